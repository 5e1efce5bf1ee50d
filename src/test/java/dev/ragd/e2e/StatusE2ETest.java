package dev.ragd.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ragd.testsupport.Await;
import dev.ragd.testsupport.RunningApp;
import dev.ragd.testsupport.WsSession;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code GET /status} and {@code /status/data} over the real object graph. */
class StatusE2ETest {

    /** Marks user content: none of it may appear in the status data. */
    private static final String MARK = "zqxstatusmark";
    private static final String EMAIL = "status-leak-check@example.com";
    private static final String QUESTION = BookSocketE2ETest.QUESTION + " " + MARK;

    private final HttpClient http = HttpClient.newHttpClient();
    private RunningApp app;

    @AfterEach
    void stop() throws Exception {
        if (app != null) {
            app.close();
        }
    }

    @Test
    void chatsOnEachProtocolShowUpInTheDataWithoutTheirContentAndThePageIsStrictHtml() throws Exception {
        app = RunningApp.start(Map.of());
        JsonObject empty = data();
        assertThat(window(empty, "1m").getLong("admitted")).isZero();
        assertThat(window(empty, "1m").getJsonObject("ttft_ms").getValue("p50")).isNull();
        assertThat(empty.getJsonObject("gauges").getInteger("max_generations")).isPositive();
        assertThat(empty.getJsonArray("upstreams")).as("the extractive answerer calls no model").isEmpty();

        assertThat(post(NativeSocketE2ETest.request("s-1", QUESTION).put("stream", false).put("user_email", EMAIL))
                .statusCode()).isEqualTo(200);
        try (WsSession ws = WsSession.connect(app.clientVertx(), app.port(), "/v1/chat")) {
            ws.send(NativeSocketE2ETest.request("s-2", QUESTION).put("user_email", EMAIL));
            while (!"end".equals(ws.nextJson().getString("type"))) {
                // tokens
            }
        }
        try (WsSession ws = WsSession.connect(app.clientVertx(), app.port(), "/")) {
            ws.send(new JsonObject().put("chat_history", new JsonArray().add("user_question: " + QUESTION)));
            ws.readUntilClosed();
        }
        assertThat(post(NativeSocketE2ETest.request("s-long", MARK.repeat(100))).statusCode()).isEqualTo(400);

        Await.untilPasses(() -> {
            JsonObject d = data();
            for (String name : new String[] {"1m", "5m", "15m"}) {
                JsonObject w = window(d, name);
                assertThat(w.getLong("admitted")).as(name).isEqualTo(3);
                assertThat(w.getJsonObject("ended").getLong("completed")).as(name).isEqualTo(3);
                assertThat(w.getJsonObject("rejected").getLong("question_too_long")).as(name).isEqualTo(1);
                assertThat(w.getJsonObject("ttft_ms").getLong("count")).isEqualTo(3);
                assertThat(w.getJsonObject("ttft_ms").getLong("p50")).isNotNull();
                assertThat(w.getJsonObject("ttft_ms").getLong("p99"))
                        .isEqualTo(w.getJsonObject("ttft_ms").getLong("max"));
                assertThat(w.getJsonObject("answer_ms").getLong("count")).isEqualTo(3);
                assertThat(w.getJsonObject("answer_ms").getLong("p95")).isNotNull();
            }
            assertThat(d.getJsonObject("totals").getJsonObject("ended").getLong("completed")).isEqualTo(3);
            JsonArray ended = d.getJsonObject("series").getJsonArray("ended");
            assertThat(ended.getLong(ended.size() - 1) + ended.getLong(ended.size() - 2)).isEqualTo(3);
            JsonObject g = d.getJsonObject("gauges");
            assertThat(g.getInteger("active_generations")).isZero();
            assertThat(g.getInteger("chatlog_queue_depth")).isZero();
            assertThat(g.getInteger("chatlog_queue_capacity")).isPositive();
            assertThat(g.getInteger("open_websockets")).isZero();
            assertThat(g.getInteger("open_connections")).as("this poll's own connection").isPositive();
        });
        HttpResponse<String> raw = get("status/data");
        assertThat(raw.headers().firstValue("content-type")).hasValue("application/json; charset=utf-8");
        assertThat(raw.headers().firstValue("cache-control")).hasValue("no-store");
        assertThat(raw.headers().firstValue("x-content-type-options")).hasValue("nosniff");
        assertThat(raw.body()).doesNotContain(MARK, EMAIL, "s-1", "s-2", "Cinder", "warranty");

        HttpResponse<String> page = get("status");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("content-type")).hasValue("text/html; charset=utf-8");
        assertThat(page.headers().firstValue("content-security-policy")).hasValueSatisfying(csp -> assertThat(csp)
                .startsWith("default-src 'none';").contains("script-src 'sha256-", "connect-src 'self'")
                .doesNotContain("unsafe"));
        assertThat(page.body()).startsWith("<!doctype html>").contains("<svg id=\"chart-ttft\"", "/data");
    }

    @Test
    void headAnswersLikeGetAndOtherMethodsAreNotServed() throws Exception {
        app = RunningApp.start(Map.of());
        for (String path : new String[] {"status", "status/data"}) {
            HttpResponse<String> get = get(path);
            HttpResponse<String> head = http.send(HttpRequest.newBuilder(URI.create(app.baseUrl() + path))
                    .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(head.statusCode()).as(path).isEqualTo(200);
            assertThat(head.body()).isEmpty();
            assertThat(head.headers().firstValue("content-type")).isEqualTo(get.headers().firstValue("content-type"));
            if (path.equals("status")) { // the data changes between two polls (its clock); the page does not
                assertThat(head.headers().firstValue("content-length")).hasValue(
                        Integer.toString(get.body().getBytes(java.nio.charset.StandardCharsets.UTF_8).length));
            }
            for (String method : new String[] {"POST", "PUT", "DELETE"}) {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(app.baseUrl() + path))
                        .method(method, HttpRequest.BodyPublishers.ofString("{}")).header("content-type", "text/plain")
                        .build(), HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).as(method + " " + path).isEqualTo(405);
                assertThat(r.body()).as(method + " " + path).doesNotContain("<svg", "\"windows\"");
            }
        }
    }

    @Test
    void theStatusPageStaysOnWithMetricsOff() throws Exception {
        app = RunningApp.start(Map.of("RAGD_METRICS", "false"));
        assertThat(get("metrics").statusCode()).isEqualTo(404);
        assertThat(get("status").statusCode()).isEqualTo(200);
        assertThat(post(NativeSocketE2ETest.request("s-off", BookSocketE2ETest.QUESTION).put("stream", false))
                .statusCode()).isEqualTo(200);
        Await.untilPasses(() -> assertThat(window(data(), "1m").getJsonObject("ended").getLong("completed"))
                .isEqualTo(1));
    }

    private static JsonObject window(JsonObject data, String name) {
        return data.getJsonObject("windows").getJsonObject(name);
    }

    private JsonObject data() throws Exception {
        HttpResponse<String> r = get("status/data");
        assertThat(r.statusCode()).isEqualTo(200);
        return new JsonObject(r.body());
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(app.baseUrl() + path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(JsonObject body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(app.baseUrl() + "v1/chat"))
                .header("content-type", "application/json").timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(body.encode())).build(), HttpResponse.BodyHandlers.ofString());
    }
}
