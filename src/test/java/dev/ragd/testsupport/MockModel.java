package dev.ragd.testsupport;

import dev.ragd.mock.MockLlmOptions;
import dev.ragd.mock.MockLlmServer;
import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/** {@code ragd mock-llm} on an ephemeral loopback port, with its own Vert.x; close after the test. */
public final class MockModel implements AutoCloseable {

    private final Vertx vertx = Vertx.vertx();
    private final MockLlmServer server;

    private MockModel(MockLlmOptions options) throws Exception {
        try {
            server = MockLlmServer.start(vertx, options.withHost("127.0.0.1").withPort(0)).await(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            vertx.close();
            throw e;
        }
    }

    /** The simulator with its defaults. */
    public static MockModel start() throws Exception {
        return start(UnaryOperator.identity());
    }

    /** The simulator with {@code options} applied to its defaults. */
    public static MockModel start(UnaryOperator<MockLlmOptions> options) throws Exception {
        return new MockModel(options.apply(MockLlmOptions.defaults()));
    }

    public MockLlmServer server() {
        return server;
    }

    public int port() {
        return server.port();
    }

    /** The OpenAI-compatible base URL, {@code http://127.0.0.1:PORT/v1}. */
    public String openAiUrl() {
        return "http://127.0.0.1:" + server.port() + "/v1";
    }

    @Override
    public void close() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }
}
