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
        long hostedTpm = 600_000;
        double hostedQuotas = 2.5;
        String modelThreads = null;
        if (List.of(args).contains("--hosted-only")) {
            List<String> rest = new ArrayList<>(List.of(args));
            rest.remove("--hosted-only");
            args = rest.toArray(String[]::new);
            docs = -1;
        }
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--docs" -> docs = Integer.parseInt(args[i + 1]);
                case "--reingest-docs" -> reingestDocs = Integer.parseInt(args[i + 1]);
                case "--hosted-tpm" -> hostedTpm = Long.parseLong(args[i + 1]);
                case "--hosted-quotas" -> hostedQuotas = Double.parseDouble(args[i + 1]);
                case "--model-threads" -> modelThreads = args[i + 1];
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (docs < 0) {
            double used = HostedIngestBench.run(hostedTpm, hostedQuotas, Ingestor.HOSTED_BATCH, Ingestor.HOSTED_IN_FLIGHT,
                    System.out);
            System.out.printf(Locale.ROOT, "ingest hosted_quota_used=%.3f%n", used);
            return;
        }
        ScaleCorpus corpus = new ScaleCorpus(7);
        Chunker chunker = new Chunker(1000, 150);
        int cores = Runtime.getRuntime().availableProcessors();
        List<SourceDocument> set = documents(corpus, 0, docs);
        List<String> inputs = new ArrayList<>();
        for (SourceDocument d : set) {
            for (String c : chunker.split(d.text())) {
                inputs.add(Ingestor.embeddingInput(d.title(), c));
            }
        }
        if (modelThreads != null) {
            // only the model, with other thread settings: TASKSxTHREADS (texts at once x ONNX threads per
            // text) or "default" (LangChain4j's, which searches use). bench/ingest.sh runs each in a JVM of
            // its own: ONNX sessions left in the same process slowed the ones measured after them
            String[] t = modelThreads.split("x");
            Embedder other = modelThreads.equals("default") ? Embedders.local()
                    : Embedders.local(Integer.parseInt(t[0]), Integer.parseInt(t[1]));
            print("raw_model_threads_" + modelThreads + "_chunks_per_s", rawRate(other, inputs));
            return;
        }
        // the model ingestion uses: one text per core at once, one ONNX thread each (Embedders.forIngestion)
        Embedder model = Embedders.local(cores, 1);
        double raw = rawRate(model, inputs);
        print("documents", docs);
        print("chunks", inputs.size());
        print("raw_model_chunks_per_s", raw);

        Path dir = Files.createTempDirectory("ragd-ingest-bench");
        // one batch at a time (embedding, then writing), as ingestion ran before it overlapped them
        double sequential = ingest(dir.resolve("sequential"), model, chunker, set, 1);
        print("ingest_one_batch_at_a_time_chunks_per_s", sequential);
        print("ratio_to_model_one_batch_at_a_time", sequential / raw);
        double ingest = ingest(dir.resolve("real"), model, chunker, set, Ingestor.DEFAULT_IN_FLIGHT);
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
        String hosted = "";
        if (hostedTpm > 0) {
            double used = HostedIngestBench.run(hostedTpm, hostedQuotas, Ingestor.HOSTED_BATCH, Ingestor.HOSTED_IN_FLIGHT,
                    System.out);
            hosted = String.format(Locale.ROOT, " hosted_quota_used=%.3f", used);
        }
        System.out.printf(Locale.ROOT, "ingest chunks_per_s=%.1f raw_model_chunks_per_s=%.1f ratio=%.3f reingest_docs_per_s=%.0f%s%n",
                ingest, raw, ingest / raw, reingest, hosted);
    }

    /** Chunks per second of {@code model} alone on {@code inputs}, in ingestion's batches, after a warm-up pass. */
    private static double rawRate(Embedder model, List<String> inputs) {
        long start = 0;
        for (int pass = 0; pass < 2; pass++) {
            start = System.nanoTime();
            for (int i = 0; i < inputs.size(); i += Ingestor.DEFAULT_BATCH) {
                model.embedPassages(inputs.subList(i, Math.min(inputs.size(), i + Ingestor.DEFAULT_BATCH)));
            }
        }
        return inputs.size() / ((System.nanoTime() - start) / 1e9);
    }

    /** Chunks per second of a whole ingestion of {@code set} into a fresh index in {@code dir}. */
    private static double ingest(Path dir, Embedder model, Chunker chunker, List<SourceDocument> set, int inFlight) {
        try (LuceneIndex index = LuceneIndex.open(dir, model.name(), model.dimension())) {
            Ingestor ingestor = new Ingestor(index, model, chunker, Ingestor.DEFAULT_BATCH, inFlight);
            set.forEach(ingestor);
            IngestStats stats = ingestor.finish();
            return stats.chunks() / (stats.elapsed().toNanos() / 1e9);
        }
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
