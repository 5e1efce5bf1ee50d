package dev.ragd.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ragd.retrieval.LuceneIndex;
import dev.ragd.retrieval.LuceneRetriever;
import dev.ragd.retrieval.Passage;
import dev.ragd.retrieval.SearchMode;
import dev.ragd.testsupport.MockModel;
import dev.ragd.testsupport.TestEmbedders;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ragd ingest} with a hosted embedding model ({@code ragd mock-llm}, as OpenAI and as Azure
 * OpenAI) that refuses calls with 429: ingestion waits as told and stores every chunk.
 */
class IngestHostedEmbeddingsTest {

    private static final int RECORDS = 24;

    @TempDir
    Path work;

    private record Result(int code, String out, String err, long millis) {}

    private Result ingest(Map<String, String> env, String... args) {
        Map<String, String> all = new HashMap<>(env);
        all.put("RAGD_DATA_DIR", work.resolve("data").toString());
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        String[] argv = new String[args.length + 1];
        argv[0] = "ingest";
        System.arraycopy(args, 0, argv, 1, args.length);
        long start = System.nanoTime();
        int code = RagdCli.run(new PrintWriter(out, true), new PrintWriter(err, true), argv, all, work);
        return new Result(code, out.toString(), err.toString(), (System.nanoTime() - start) / 1_000_000);
    }

    private Path records() throws Exception {
        StringBuilder csv = new StringBuilder("id,title,text\n");
        for (int i = 0; i < RECORDS; i++) {
            csv.append("r").append(i).append(",Teapot ").append(i).append(",The teapot numbered ").append(i)
                    .append(" holds ").append(i + 1).append(" cups and is glazed ").append(i % 2 == 0 ? "blue" : "green")
                    .append(".\n");
        }
        return Files.writeString(work.resolve("teapots.csv"), csv);
    }

    private static Map<String, String> openAi(MockModel mock, String key) {
        return Map.of("RAGD_EMBEDDINGS", "openai", "OPENAI_BASE_URL", mock.openAiUrl(), "OPENAI_API_KEY", key,
                "RAGD_EMBEDDING_MODEL", "text-embedding-3-small", "RAGD_EMBEDDING_DIMENSIONS", "16");
    }

    private int storedChunks(String embedder, int dimensions) {
        try (LuceneIndex index = LuceneIndex.open(work.resolve("data/index"), embedder, dimensions)) {
            for (int i = 0; i < RECORDS; i++) {
                var hits = new LuceneRetriever(index, TestEmbedders.fake("x"), SearchMode.KEYWORD)
                        .retrieve("teapot numbered " + i, RECORDS);
                assertThat(hits).extracting(Passage::docId).as("record r%d is stored", i).contains("r" + i);
            }
            return index.chunkCount();
        }
    }

    @Test
    void refusedCallsAreRepeatedAfterTheirRetryAfterAndNoChunkIsLost() throws Exception {
        Path csv = records();
        try (MockModel mock = MockModel.start(o -> o.withRate429(0.4).withRetryAfterS(1).withSeed(7).withApiKey("sk-live"))) {
            Result r = ingest(openAi(mock, "sk-live"), "--embed-batch", "3", "--embed-concurrency", "3", csv.toString());

            assertThat(r.code()).as(r.err()).isZero();
            assertThat(r.out()).contains("ingested documents=" + RECORDS + " chunks=" + RECORDS);
            var stats = mock.server().stats();
            assertThat(stats.status(429)).as("the mock refused some calls").isPositive();
            // every refusal asked for a second; the calls waited instead of hammering the service
            assertThat(r.millis()).isGreaterThanOrEqualTo(1_000);
            assertThat(r.err()).doesNotContain("sk-live");
        }
        assertThat(storedChunks("openai:text-embedding-3-small", 16)).isEqualTo(RECORDS);
    }

    @Test
    void azureRefusalsAreWaitedOutToo() throws Exception {
        Path csv = records();
        try (MockModel mock = MockModel.start(o -> o.withRate429(0.4).withRetryAfterS(0).withSeed(11))) {
            Map<String, String> env = Map.of("RAGD_EMBEDDINGS", "azure-openai",
                    "AZURE_OPENAI_ENDPOINT", "http://127.0.0.1:" + mock.port(), "AZURE_OPENAI_API_KEY", "az-key",
                    "AZURE_OPENAI_EMBEDDING_DEPLOYMENT", "emb", "RAGD_EMBEDDING_DIMENSIONS", "12");
            Result r = ingest(env, "--embed-batch", "2", csv.toString());

            assertThat(r.code()).as(r.err()).isZero();
            assertThat(mock.server().stats().status(429)).isPositive();
        }
        assertThat(storedChunks("azure-openai:emb", 12)).isEqualTo(RECORDS);
    }

    @Test
    void aRefusedKeyFailsAtOnceWithoutRepeatingTheCall() throws Exception {
        Path csv = records();
        try (MockModel mock = MockModel.start(o -> o.withApiKey("sk-right"))) {
            Result r = ingest(openAi(mock, "sk-wrong"), "--embed-concurrency", "1", csv.toString());

            assertThat(r.code()).isEqualTo(1);
            assertThat(r.err()).contains("ragd ingest:").doesNotContain("sk-wrong");
            assertThat(mock.server().stats().status(401)).isEqualTo(1);
            assertThat(mock.server().stats().requests()).isEqualTo(1);
        }
    }

    @Test
    void embedOptionsOutOfRangeAreRefusedNamingBoth() throws Exception {
        Path csv = records();
        for (String[] bad : new String[][] {{"--embed-batch", "0"}, {"--embed-batch", "2049"},
                {"--embed-concurrency", "0"}, {"--embed-concurrency", "65"}}) {
            Result r = ingest(Map.of(), bad[0], bad[1], csv.toString());
            assertThat(r.code()).as(String.join(" ", bad)).isEqualTo(2);
            assertThat(r.err()).contains("--embed-batch must be 1-2048 and --embed-concurrency 1-64");
        }
    }
}
