package dev.ragd.mock;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Deterministic embeddings by feature hashing: every lower-cased word adds a fixed, word-seeded set of
 * ±1 entries, and the sum is L2-normalised. Same text, same vector; texts sharing words score a
 * higher cosine than unrelated texts. No model, no state.
 */
public final class MockEmbeddings {

    private static final int ENTRIES_PER_WORD = 16;

    private MockEmbeddings() {}

    /** The unit-length vector of {@code text} with {@code dimensions} entries (at least 1). */
    public static float[] embed(String text, int dimensions) {
        float[] v = new float[dimensions];
        List<String> words = Prompt.words(text);
        if (words.isEmpty()) {
            words = List.of(text);
        }
        for (String w : words) {
            SplittableRandom r = new SplittableRandom(hash(w));
            for (int i = 0; i < ENTRIES_PER_WORD; i++) {
                v[r.nextInt(dimensions)] += r.nextBoolean() ? 1f : -1f;
            }
        }
        double norm = 0;
        for (float x : v) {
            norm += x * x;
        }
        if (norm == 0) {
            v[Math.floorMod(hash(text), dimensions)] = 1f;
            return v;
        }
        float inv = (float) (1 / Math.sqrt(norm));
        for (int i = 0; i < v.length; i++) {
            v[i] *= inv;
        }
        return v;
    }

    /** The vector as OpenAI's {@code encoding_format: "base64"} sends it: little-endian float32 bytes. */
    public static String base64(float[] v) {
        ByteBuffer buf = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float x : v) {
            buf.putFloat(x);
        }
        return Base64.getEncoder().encodeToString(buf.array());
    }

    /** FNV-1a 64 over UTF-8, then a mix step: stable across JVMs, unlike String.hashCode for seeding. */
    private static long hash(String s) {
        long h = 0xcbf29ce484222325L;
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            h ^= b;
            h *= 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        return h ^ (h >>> 33);
    }
}
