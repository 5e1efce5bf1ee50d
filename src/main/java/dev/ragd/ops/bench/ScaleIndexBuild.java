package dev.ragd.ops.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ragd.retrieval.Chunk;
import dev.ragd.retrieval.Embedder;
import dev.ragd.retrieval.LuceneIndex;
import dev.ragd.retrieval.TextAnalysis;
import dev.ragd.retrieval.VectorFormat;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.apache.lucene.util.VectorUtil;

/**
 * Builds the retrieval-at-scale benchmark's index: {@code n} chunks of {@link ScaleCorpus}, the
 * first {@code sample} embedded for real, the rest given synthetic vectors drawn from the real
 * ones' span (a random convex mix of three real vectors plus Gaussian noise of {@link #NOISE} times
 * each dimension's spread in the sample, normalised), so that the vectors lie where real ones do
 * without embedding a million chunks. Writes {@code queries.jsonl}: questions embedded for real, each with its exact ten nearest
 * chunks (brute force over every vector), against which approximate search is measured.
 */
final class ScaleIndexBuild {

    static final double NOISE = 0.1;
    static final int K = 10;

    private ScaleIndexBuild() {}

    record Built(float[][] vectors, long sampleEmbedNanos, int sample) {}

    static void run(Path dir, int chunks, int sample, int queries, VectorFormat format, Embedder embedder, long seed,
            java.io.PrintStream out) throws IOException {
        ScaleCorpus corpus = new ScaleCorpus(seed);
        int docs = (chunks + ScaleCorpus.CHUNKS_PER_DOC - 1) / ScaleCorpus.CHUNKS_PER_DOC;
        Built built = vectors(corpus, chunks, Math.min(sample, chunks), embedder, seed);
        out.println("sample_chunks=" + built.sample());
        out.printf(java.util.Locale.ROOT, "sample_embed_chunks_per_s=%.1f%n", built.sample() / (built.sampleEmbedNanos() / 1e9));

        Random r = new Random(seed + 1);
        List<String> texts = new ArrayList<>();
        for (int q = 0; q < queries; q++) {
            texts.add(corpus.question(r.nextInt(docs), q));
        }
        float[][] qv = texts.stream().map(t -> normalise(embedder.embedQuery(t))).toArray(float[][]::new);
        long exactStart = System.nanoTime();
        int[][] exact = IntStream.range(0, queries).parallel().mapToObj(q -> nearest(qv[q], built.vectors(), K))
                .toArray(int[][]::new);
        out.printf(java.util.Locale.ROOT, "exact_search_s=%.1f%n", (System.nanoTime() - exactStart) / 1e9);

        Path indexDir = dir.resolve("index");
        long start = System.nanoTime();
        try (LuceneIndex index = LuceneIndex.open(indexDir, embedder.name(), embedder.dimension(), TextAnalysis.ENGLISH,
                format)) {
            // one writer, fed from every core: Lucene indexes each thread's documents into its own segment
            IntStream.range(0, docs).parallel().forEach(d -> {
                ScaleCorpus.Doc doc = corpus.doc(d);
                List<Chunk> out2 = new ArrayList<>(ScaleCorpus.CHUNKS_PER_DOC);
                for (int c = 0; c < ScaleCorpus.CHUNKS_PER_DOC; c++) {
                    int i = d * ScaleCorpus.CHUNKS_PER_DOC + c;
                    if (i >= chunks) {
                        break;
                    }
                    out2.add(new Chunk(doc.id() + "#" + c, doc.id(), doc.title(), doc.chunks().get(c), null, "h" + d,
                            built.vectors()[i], List.of(), List.of(doc.rare() ? "rare" : "common")));
                }
                index.replace(doc.id(), out2);
            });
            index.commit();
        }
        out.printf(java.util.Locale.ROOT, "index_build_s=%.1f%n", (System.nanoTime() - start) / 1e9);

        ObjectMapper json = new ObjectMapper();
        try (BufferedWriter w = Files.newBufferedWriter(dir.resolve("queries.jsonl"), StandardCharsets.UTF_8)) {
            for (int q = 0; q < queries; q++) {
                ObjectNode o = json.createObjectNode().put("text", texts.get(q));
                var v = o.putArray("vector");
                for (float x : qv[q]) {
                    v.add(x);
                }
                var e = o.putArray("exact");
                for (int i : exact[q]) {
                    e.add(i);
                }
                w.write(o.toString());
                w.write('\n');
            }
        }
    }

    /** Every chunk's vector: the sample's embedded, the rest synthetic around them. */
    static Built vectors(ScaleCorpus corpus, int chunks, int sample, Embedder embedder, long seed) {
        int dim = embedder.dimension();
        float[][] v = new float[chunks][];
        long start = System.nanoTime();
        List<String> batch = new ArrayList<>();
        for (int i = 0; i < sample; i++) {
            ScaleCorpus.Doc doc = corpus.doc(i / ScaleCorpus.CHUNKS_PER_DOC);
            batch.add(doc.chunks().get(i % ScaleCorpus.CHUNKS_PER_DOC));
            if (batch.size() == 64 || i == sample - 1) {
                List<float[]> got = embedder.embedPassages(batch);
                for (int j = 0; j < got.size(); j++) {
                    v[i - got.size() + 1 + j] = normalise(got.get(j));
                }
                batch.clear();
            }
        }
        long embedNanos = System.nanoTime() - start;
        double[] std = new double[dim];
        double[] mean = new double[dim];
        for (int i = 0; i < sample; i++) {
            for (int k = 0; k < dim; k++) {
                mean[k] += v[i][k] / sample;
            }
        }
        for (int i = 0; i < sample; i++) {
            for (int k = 0; k < dim; k++) {
                std[k] += (v[i][k] - mean[k]) * (v[i][k] - mean[k]) / sample;
            }
        }
        for (int k = 0; k < dim; k++) {
            std[k] = Math.sqrt(std[k]);
        }
        IntStream.range(sample, chunks).parallel().forEach(i -> {
            SplittableRandom r = new SplittableRandom(seed * 31 + i);
            // a random point of the triangle between three real vectors, plus a little noise: the
            // vectors fill the space the real ones span instead of clumping around each of them
            float[] a = v[r.nextInt(sample)];
            float[] b = v[r.nextInt(sample)];
            float[] c = v[r.nextInt(sample)];
            double wa = -Math.log(1 - r.nextDouble());
            double wb = -Math.log(1 - r.nextDouble());
            double wc = -Math.log(1 - r.nextDouble());
            double sum = wa + wb + wc;
            float[] x = new float[dim];
            for (int k = 0; k < dim; k++) {
                x[k] = (float) ((wa * a[k] + wb * b[k] + wc * c[k]) / sum + NOISE * std[k] * gaussian(r));
            }
            v[i] = normalise(x);
        });
        return new Built(v, embedNanos, sample);
    }

    /** The indexes of the {@code k} vectors with the highest cosine to {@code q} (all normalised), best first. */
    static int[] nearest(float[] q, float[][] vectors, int k) {
        PriorityQueue<long[]> heap = new PriorityQueue<>(k + 1, (a, b) -> Double.compare(
                Double.longBitsToDouble(a[0]), Double.longBitsToDouble(b[0])));
        for (int i = 0; i < vectors.length; i++) {
            double s = VectorUtil.dotProduct(q, vectors[i]);
            if (heap.size() < k || s > Double.longBitsToDouble(heap.peek()[0])) {
                heap.add(new long[] {Double.doubleToLongBits(s), i});
                if (heap.size() > k) {
                    heap.poll();
                }
            }
        }
        int[] out = new int[heap.size()];
        for (int j = out.length - 1; j >= 0; j--) {
            out[j] = (int) heap.poll()[1];
        }
        return out;
    }

    static float[] normalise(float[] x) {
        double n = 0;
        for (float f : x) {
            n += f * f;
        }
        float inv = (float) (1 / Math.sqrt(n));
        float[] out = new float[x.length];
        for (int k = 0; k < x.length; k++) {
            out[k] = x[k] * inv;
        }
        return out;
    }

    private static double gaussian(SplittableRandom r) {
        double u = 1 - r.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r.nextDouble());
    }
}
