package dev.ragd.ops.bench;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.output.Response;
import dev.ragd.ingest.Chunker;
import dev.ragd.ingest.IngestStats;
import dev.ragd.ingest.Ingestor;
import dev.ragd.ingest.SourceDocument;
import dev.ragd.retrieval.Embedder;
import dev.ragd.retrieval.Embedders;
import dev.ragd.retrieval.LuceneIndex;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Ingestion against its limit ({@code bench/ingest.sh}): the in-process embedding model alone on
 * exactly the inputs ingestion embeds (same chunks, same batches), then the whole ingestion of the
 * same documents into a fresh index (chunking, hashing, embedding, Lucene writes and the commit),
 * and their ratio; then re-ingesting an unchanged corpus of {@code --reingest-docs} documents
 * (built with a fast stand-in embedder, since nothing is embedded again), in documents per second.
 * Prints {@code name=value} lines, the last {@code ingest chunks_per_s=… raw_model_chunks_per_s=…
 * ratio=… reingest_docs_per_s=…}.
 */
public final class IngestBench {

    private IngestBench() {}

    public static void main(String[] args) throws Exception {
        int docs = 500;
        int reingestDocs = 100_000;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--docs" -> docs = Integer.parseInt(args[i + 1]);
                case "--reingest-docs" -> reingestDocs = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        ScaleCorpus corpus = new ScaleCorpus(7);
        Chunker chunker = new Chunker(1000, 150);
        Embedder model = Embedders.local();
        List<SourceDocument> set = documents(corpus, 0, docs);
        List<String> inputs = new ArrayList<>();
        for (SourceDocument d : set) {
            for (String c : chunker.split(d.text())) {
                inputs.add(Ingestor.embeddingInput(d.title(), c));
            }
        }
        // warm up on the whole set first: a cold model measured first would flatter what follows
        for (int i = 0; i < inputs.size(); i += Ingestor.DEFAULT_BATCH) {
            model.embedPassages(inputs.subList(i, Math.min(inputs.size(), i + Ingestor.DEFAULT_BATCH)));
        }
        long start = System.nanoTime();
        for (int i = 0; i < inputs.size(); i += Ingestor.DEFAULT_BATCH) {
            model.embedPassages(inputs.subList(i, Math.min(inputs.size(), i + Ingestor.DEFAULT_BATCH)));
        }
        double raw = inputs.size() / ((System.nanoTime() - start) / 1e9);
        print("documents", docs);
        print("chunks", inputs.size());
        print("raw_model_chunks_per_s", raw);

        Path dir = Files.createTempDirectory("ragd-ingest-bench");
        IngestStats stats;
        try (LuceneIndex index = LuceneIndex.open(dir.resolve("real"), model.name(), model.dimension())) {
            Ingestor ingestor = new Ingestor(index, model, chunker);
            set.forEach(ingestor);
            stats = ingestor.finish();
        }
        double ingest = stats.chunks() / (stats.elapsed().toNanos() / 1e9);
        print("ingest_chunks_per_s", ingest);
        print("ratio_to_model", ingest / raw);

        Embedder fast = new Embedder("bench-stand-in", new StandIn(model.dimension()), model.dimension(), "");
        List<SourceDocument> big = documents(corpus, 0, reingestDocs);
        IngestStats first;
        IngestStats again;
        try (LuceneIndex index = LuceneIndex.open(dir.resolve("big"), fast.name(), fast.dimension())) {
            Ingestor ingestor = new Ingestor(index, fast, chunker);
            big.forEach(ingestor);
            first = ingestor.finish();
            Ingestor unchanged = new Ingestor(index, fast, chunker);
            big.forEach(unchanged);
            again = unchanged.finish();
        }
        print("reingest_documents", reingestDocs);
        print("first_ingest_stand_in_docs_per_s", reingestDocs / (first.elapsed().toNanos() / 1e9));
        print("reingest_skipped", again.skipped());
        double reingest = reingestDocs / (again.elapsed().toNanos() / 1e9);
        print("reingest_docs_per_s", reingest);
        System.out.printf(Locale.ROOT, "ingest chunks_per_s=%.1f raw_model_chunks_per_s=%.1f ratio=%.3f reingest_docs_per_s=%.0f%n",
                ingest, raw, ingest / raw, reingest);
    }

    private static List<SourceDocument> documents(ScaleCorpus corpus, int from, int n) {
        List<SourceDocument> out = new ArrayList<>(n);
        for (int d = from; d < from + n; d++) {
            ScaleCorpus.Doc doc = corpus.doc(d);
            out.add(new SourceDocument(doc.id(), doc.title(), String.join("\n\n", doc.chunks()), null, false));
        }
        return out;
    }

    private static void print(String name, double value) {
        System.out.println(name + "=" + (value == Math.rint(value) ? Long.toString((long) value)
                : String.format(Locale.ROOT, "%.3f", value)));
    }

    /** Unit vectors from a hash of the text: as fast as can be, for building an index nothing searches. */
    private record StandIn(int dimension) implements EmbeddingModel {
        @Override
        public Response<List<Embedding>> embedAll(List<TextSegment> segments) {
            return Response.from(segments.stream().map(s -> {
                SplittableRandom r = new SplittableRandom(s.text().hashCode());
                float[] v = new float[dimension];
                for (int k = 0; k < dimension; k++) {
                    v[k] = (float) (r.nextDouble() - 0.5);
                }
                return Embedding.from(ScaleIndexBuild.normalise(v));
            }).toList());
        }
    }
}
