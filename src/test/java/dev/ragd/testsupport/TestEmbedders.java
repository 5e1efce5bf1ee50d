package dev.ragd.testsupport;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.output.Response;
import dev.ragd.retrieval.Embedder;
import dev.ragd.retrieval.Embedders;
import java.util.List;
import java.util.Locale;

/** Embedders for tests: the real local model loaded once per JVM, and a fast fake. */
public final class TestEmbedders {

    private static Embedder local;

    private TestEmbedders() {}

    /** The real bge-small model, shared by every test in this JVM (loading takes seconds). */
    public static synchronized Embedder local() {
        if (local == null) {
            local = Embedders.local();
        }
        return local;
    }

    /** A deterministic bag-of-words hashing embedder (16 dimensions) named {@code name}. */
    public static Embedder fake(String name) {
        return new Embedder(name, new HashingModel(), HashingModel.DIM, "");
    }

    /** The dimension of {@link #fake} and {@link #constant}. */
    public static final int DIMENSIONS = HashingModel.DIM;

    /** An embedder (named {@code constant}) that embeds every text as {@code v}: queries land where a test wants. */
    public static Embedder constant(float[] v) {
        EmbeddingModel model = segments -> Response.from(segments.stream().map(s -> Embedding.from(v.clone())).toList());
        return new Embedder("constant", model, v.length, "");
    }

    private static final class HashingModel implements EmbeddingModel {
        static final int DIM = 16;

        @Override
        public Response<List<Embedding>> embedAll(List<TextSegment> segments) {
            return Response.from(segments.stream().map(s -> Embedding.from(vector(s.text()))).toList());
        }

        private static float[] vector(String text) {
            float[] v = new float[DIM];
            v[0] = 0.01f; // never the zero vector (cosine needs a norm)
            for (String w : text.toLowerCase(Locale.ROOT).split("\\W+")) {
                if (!w.isEmpty()) {
                    v[Math.floorMod(w.hashCode(), DIM)] += 1f;
                }
            }
            return v;
        }
    }
}
