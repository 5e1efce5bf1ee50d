package dev.ragd.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ragd.mock.MockLlmOptions;
import dev.ragd.mock.MockLlmServer;
import dev.ragd.testsupport.RunningApp;
import dev.ragd.testsupport.WsSession;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The real nginx with the shipped configuration, its {@code proxy_read_timeout} cut to 1 s, in front
 * of ragd waiting 2.5 s for a model's first token: with {@code RAGD_HEARTBEAT_MS} the SSE stream and
 * the WebSocket answer arrive whole; without heartbeats nginx cuts the stream before its end.
 */
class NginxHeartbeatTest {

    private static final String QUESTION = "What is the warranty of the Cinder Kettle?";
    private static Vertx mockVertx;
    private static RunningApp beating;
    private static RunningApp silent;
    private static Nginx beatingProxy;
    private static Nginx silentProxy;

    @BeforeAll
    static void start() throws Exception {
        Nginx.assumeInstalled();
        mockVertx = Vertx.vertx();
        MockLlmServer mock = MockLlmServer.start(mockVertx, MockLlmOptions.defaults().withHost("127.0.0.1").withPort(0)
                .withEventLoops(1).withTtftMs(2_500).withTokenMs(20).withTokens(5)).await(10, TimeUnit.SECONDS);
        Map<String, String> llm = Map.of("RAGD_LLM", "openai", "OPENAI_BASE_URL", "http://127.0.0.1:" + mock.port() + "/v1",
                "OPENAI_API_KEY", "sk-nginx-heartbeat", "RAGD_QUERY_REWRITE", "false");
        beating = RunningApp.start(with(llm, "RAGD_HEARTBEAT_MS", "300"));
        silent = RunningApp.start(with(llm, "RAGD_HEARTBEAT_MS", "0"));
        beatingProxy = Nginx.start(List.of("127.0.0.1:" + beating.port()), NginxHeartbeatTest::shortReadTimeout);
        silentProxy = Nginx.start(List.of("127.0.0.1:" + silent.port()), NginxHeartbeatTest::shortReadTimeout);
    }

    private static Map<String, String> with(Map<String, String> env, String key, String value) {
        Map<String, String> m = new java.util.HashMap<>(env);
        m.put(key, value);
        return m;
    }

    private static String shortReadTimeout(String conf) {
        assertThat(conf).contains("proxy_read_timeout 300s;");
        return conf.replace("proxy_read_timeout 300s;", "proxy_read_timeout 1s;");
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {beatingProxy, silentProxy, beating, silent}) {
            if (c != null) {
                c.close();
            }
        }
        if (mockVertx != null) {
            mockVertx.close().await(10, TimeUnit.SECONDS);
        }
    }

    private static List<String> sse(Nginx proxy) throws Exception {
        String body = new JsonObject().put("messages", new JsonArray().add(new JsonObject().put("role", "user")
                .put("content", QUESTION))).encode();
        HttpResponse<java.util.stream.Stream<String>> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + proxy.port() + "/v1/chat")).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofLines());
        assertThat(r.statusCode()).isEqualTo(200);
        try {
            return r.body().toList();
        } catch (java.io.UncheckedIOException cut) {
            return List.of("(cut: " + cut.getMessage() + ")");
        }
    }

    @Test
    void withHeartbeatsAStreamWaitingLongerThanTheProxysReadTimeoutArrivesWhole() throws Exception {
        List<String> lines = sse(beatingProxy);

        assertThat(lines).contains(": heartbeat", "event: token", "event: end");
    }

    @Test
    void withHeartbeatsAWebSocketWaitingLongerThanTheProxysReadTimeoutGetsItsAnswer() throws Exception {
        try (WsSession ws = WsSession.connect(beating.clientVertx(), beatingProxy.port(), "/v1/chat")) {
            ws.send(new JsonObject().put("id", "w").put("messages", new JsonArray().add(new JsonObject()
                    .put("role", "user").put("content", QUESTION))));
            JsonObject frame;
            do {
                frame = ws.nextJson();
            } while (!List.of("end", "error").contains(frame.getString("type")));
            assertThat(frame.getString("type")).isEqualTo("end");
        }
    }

    @Test
    void withoutHeartbeatsTheProxyCutsTheStreamBeforeItsEnd() throws Exception {
        List<String> lines = sse(silentProxy);

        assertThat(lines).doesNotContain("event: end").doesNotContain(": heartbeat");
    }
}
