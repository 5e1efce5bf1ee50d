package dev.ragd.ops.bench;

import dev.ragd.config.Env;
import dev.ragd.config.LlmConfig;
import dev.ragd.ingest.Chunker;
import dev.ragd.ingest.IngestStats;
import dev.ragd.ingest.Ingestor;
import dev.ragd.ingest.SourceDocument;
import dev.ragd.mock.MockLlmOptions;
import dev.ragd.mock.MockLlmServer;
import dev.ragd.retrieval.Embedder;
import dev.ragd.retrieval.Embedders;
import dev.ragd.retrieval.LuceneIndex;
import io.vertx.core.Vertx;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Ingestion through a hosted embedding model against its quota: {@code ragd mock-llm} as the
 * OpenAI embeddings API with a tokens-per-minute cap, enforced per wall-clock minute as Azure OpenAI
 * does (a call the rest of the minute cannot pay is refused with the seconds until it resets).
 * The run starts as a minute turns and ingests about {@code quotas} minutes' worth of tokens
 * through the embedder {@code ragd ingest} uses ({@link Embedders#forIngestion}, with its default
 * batch and concurrency). The limit is the quota itself: the share of each full minute's tokens
 * that ingestion used, and the chunks stored against the chunks read (none may be lost).
 */
final class HostedIngestBench {

    private HostedIngestBench() {}

    /** Runs it and prints its lines; returns the share of the quota used. */
    static double run(long tpm, double quotas, int batch, int inFlight, PrintStream out) throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            MockLlmServer mock = MockLlmServer.start(vertx, MockLlmOptions.defaults().withHost("127.0.0.1").withPort(0)
                    .withTpm(tpm)).await(10, TimeUnit.SECONDS);
            AtomicInteger waits = new AtomicInteger();
            AtomicInteger otherWaits = new AtomicInteger();
            Embedder embedder = Embedders.forIngestion(LlmConfig.from(new Env(Map.of("RAGD_EMBEDDINGS", "openai",
                    "OPENAI_BASE_URL", "http://127.0.0.1:" + mock.port() + "/v1", "OPENAI_API_KEY", "sk-bench",
                    "RAGD_EMBEDDING_MODEL", "text-embedding-3-small", "RAGD_EMBEDDING_DIMENSIONS", "256"))),
                    (ms, why) -> {
                        waits.incrementAndGet();
                        if (!why.contains("rate limited")) {
                            otherWaits.incrementAndGet();
                            System.err.println("hosted ingest: waiting " + ms + " ms: " + why);
                        }
                    });
            Chunker chunker = new Chunker(1000, 150);
            List<SourceDocument> docs = corpus(chunker, tpm, quotas);
            int chunksRead = docs.stream().mapToInt(d -> chunker.split(d.text()).size()).sum();

            // start as a minute turns, so that the minutes the run spans are whole ones
            long now = System.currentTimeMillis();
            Thread.sleep(60_000 - now % 60_000 + 100);
            long startMs = System.currentTimeMillis();
            List<Long> atMinute = new ArrayList<>();
            Thread sampler = Thread.ofPlatform().daemon().start(() -> {
                try {
                    while (true) {
                        long t = System.currentTimeMillis();
                        Thread.sleep(60_000 - t % 60_000);
                        synchronized (atMinute) {
                            atMinute.add(mock.stats().quotaTokens());
                        }
                    }
                } catch (InterruptedException stop) {
                    // the run is over
                }
            });
            Path dir = Files.createTempDirectory("ragd-hosted-ingest");
            IngestStats stats;
            int stored;
            try (LuceneIndex index = LuceneIndex.open(dir, embedder.name(), embedder.dimension())) {
                Ingestor ingestor = new Ingestor(index, embedder, chunker, batch, inFlight);
                docs.forEach(ingestor);
                stats = ingestor.finish();
                stored = index.chunkCount();
            }
            sampler.interrupt();
            long seconds = (System.currentTimeMillis() - startMs) / 1000;
            long tokens = mock.stats().quotaTokens();
            List<Long> marks;
            synchronized (atMinute) {
                marks = List.copyOf(atMinute);
            }
            // tokens admitted in each whole minute of the run: between consecutive minute marks
            double used = 0;
            long previous = 0;
            for (long mark : marks) {
                used += (mark - previous) / (double) tpm;
                previous = mark;
            }
            double share = marks.isEmpty() ? Double.NaN : used / marks.size();
            double tokensPerChunk = tokens / (double) Math.max(1, stats.chunks());
            print(out, "hosted_tpm", tpm);
            print(out, "hosted_batch", batch);
            print(out, "hosted_in_flight", inFlight);
            print(out, "hosted_chunks_read", chunksRead);
            print(out, "hosted_chunks_stored", stored);
            print(out, "hosted_chunks_lost", chunksRead - stored);
            print(out, "hosted_refusals", mock.stats().status(429));
            print(out, "hosted_waits", waits.get());
            print(out, "hosted_waits_not_rate_limited", otherWaits.get());
            print(out, "hosted_seconds", seconds);
            print(out, "hosted_whole_minutes", marks.size());
            print(out, "hosted_tokens_per_chunk", tokensPerChunk);
            print(out, "hosted_chunks_per_s", stats.chunks() / (stats.elapsed().toNanos() / 1e9));
            print(out, "hosted_quota_chunks_per_s", tpm / 60.0 / tokensPerChunk);
            print(out, "hosted_quota_used", share);
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
            return share;
        } finally {
            vertx.close().await(10, TimeUnit.SECONDS);
        }
    }

    /** Generated product records worth about {@code quotas} minutes of {@code tpm} (by the mock's token estimate). */
    private static List<SourceDocument> corpus(Chunker chunker, long tpm, double quotas) {
        ScaleCorpus corpus = new ScaleCorpus(11);
        List<SourceDocument> out = new ArrayList<>();
        long tokens = 0;
        for (int d = 0; tokens < tpm * quotas; d++) {
            ScaleCorpus.Doc doc = corpus.doc(d);
            SourceDocument s = new SourceDocument(doc.id(), doc.title(), String.join("\n\n", doc.chunks()), null, false);
            out.add(s);
            for (String c : chunker.split(s.text())) {
                tokens += MockLlmServer.approxTokens(Ingestor.embeddingInput(s.title(), c));
            }
        }
        return out;
    }

    private static void print(PrintStream out, String name, double value) {
        out.println(name + "=" + (value == Math.rint(value) ? Long.toString((long) value)
                : String.format(Locale.ROOT, "%.3f", value)));
    }
}
