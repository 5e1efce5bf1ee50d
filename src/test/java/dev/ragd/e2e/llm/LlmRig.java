package dev.ragd.e2e.llm;

import dev.ragd.chatlog.ChatRecord;
import dev.ragd.mock.MockLlmOptions;
import dev.ragd.mock.MockLlmServer;
import dev.ragd.mock.MockStats;
import dev.ragd.testsupport.Await;
import dev.ragd.testsupport.RunningApp;
import io.vertx.core.Vertx;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real {@link MockLlmServer} on an ephemeral loopback port (its own {@link Vertx}, one event loop)
 * and the real ragd app ({@link RunningApp}) pointed at it. Close after the test class.
 */
final class LlmRig implements AutoCloseable {

    /** A distinctive fake key: any occurrence of it in a log is a leak. */
    static final String KEY = "sk-e2e-LEAKCHECK-7f3a9c1d5e8b2046";
    static final String MODEL = "mock-gpt-e2e";
    static final String QUESTION = "What is the warranty of the Cinder Kettle?";

    final Vertx mockVertx;
    final MockLlmServer mock;
    final RunningApp app;

    private LlmRig(Vertx mockVertx, MockLlmServer mock, RunningApp app) {
        this.mockVertx = mockVertx;
        this.mock = mock;
        this.app = app;
    }

    /** The mock's defaults on 127.0.0.1, an ephemeral port and one event loop. */
    static MockLlmOptions healthy() {
        return MockLlmOptions.defaults().withHost("127.0.0.1").withPort(0).withEventLoops(1);
    }

    /** ragd with {@code RAGD_LLM=openai} at the mock's {@code /v1}; {@code env} adds or overrides variables. */
    static LlmRig openAi(MockLlmOptions mockOptions, Map<String, String> env) throws Exception {
        return start(mockOptions, port -> {
            Map<String, String> vars = new HashMap<>(Map.of("RAGD_LLM", "openai",
                    "OPENAI_BASE_URL", "http://127.0.0.1:" + port + "/v1", "OPENAI_API_KEY", KEY,
                    "RAGD_LLM_MODEL", MODEL, "RAGD_QUERY_REWRITE", "false", "RAGD_WS_MAX_INFLIGHT", "10"));
            vars.putAll(env);
            return vars;
        });
    }

    /** ragd with {@code RAGD_LLM=azure-openai} at the mock's root; {@code env} adds or overrides variables. */
    static LlmRig azure(MockLlmOptions mockOptions, Map<String, String> env) throws Exception {
        return start(mockOptions, port -> {
            Map<String, String> vars = new HashMap<>(Map.of("RAGD_LLM", "azure-openai",
                    "AZURE_OPENAI_ENDPOINT", "http://127.0.0.1:" + port, "AZURE_OPENAI_API_KEY", KEY,
                    "RAGD_QUERY_REWRITE", "false"));
            vars.putAll(env);
            return vars;
        });
    }

    private static LlmRig start(MockLlmOptions mockOptions, java.util.function.IntFunction<Map<String, String>> env)
            throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            MockLlmServer mock = MockLlmServer.start(vertx, mockOptions).await(10, TimeUnit.SECONDS);
            return new LlmRig(vertx, mock, RunningApp.start(env.apply(mock.port())));
        } catch (Exception | Error e) {
            vertx.close().await(10, TimeUnit.SECONDS);
            throw e;
        }
    }

    /** Healthy mock behaviour again, counters and recorded requests zeroed. */
    void resetMock() {
        mock.reconfigure(healthy());
        mock.reset();
    }

    MockStats.Snapshot stats() {
        return mock.stats();
    }

    /** Waits (up to 10 s) for the chat-log record with this id. */
    ChatRecord record(String id) throws InterruptedException {
        Await.until(() -> app.record(id).isPresent());
        return app.record(id).orElseThrow();
    }

    @Override
    public void close() throws Exception {
        try {
            app.close();
        } finally {
            mockVertx.close().await(20, TimeUnit.SECONDS);
        }
    }
}
