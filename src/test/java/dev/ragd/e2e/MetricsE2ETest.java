package dev.ragd.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ragd.testsupport.Await;
import dev.ragd.testsupport.RunningApp;
import dev.ragd.testsupport.Scrape;
import dev.ragd.testsupport.WsSession;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code GET /metrics} over the real object graph: the series move as chats complete, fail, are cancelled or refused. */
class MetricsE2ETest {

    private RunningApp app;

    @AfterEach
    void stop() throws Exception {
        if (app != null) {
            app.close();
        }
    }

    @Test
    void aCompletedChatOnEachProtocolMovesTheRequestLatencyAndChatLogSeries() throws Exception {
        app = RunningApp.start(Map.of());
        Scrape before = Scrape.of(app.baseUrl());
        assertThat(before.value("ragd_chat_requests_total")).isZero();

        assertThat(post(NativeSocketE2ETest.request("m-1", BookSocketE2ETest.QUESTION).put("stream", false)).statusCode())
                .isEqualTo(200);
        try (WsSession ws = WsSession.connect(app.clientVertx(), app.port(), "/v1/chat")) {
            ws.send(NativeSocketE2ETest.request("m-2", BookSocketE2ETest.QUESTION));
            while (!"end".equals(ws.nextJson().getString("type"))) {
                // tokens
            }
        }
        try (WsSession ws = WsSession.connect(app.clientVertx(), app.port(), "/")) {
            ws.send(new JsonObject().put("chat_history", new JsonArray().add("user_question: " + BookSocketE2ETest.QUESTION)));
            ws.readUntilClosed();
        }

        Await.untilPasses(() -> {
            Scrape s = Scrape.of(app.baseUrl());
            for (String protocol : new String[] {"http", "ws_native", "ws_book"}) {
                assertThat(s.value("ragd_chat_requests_total", "protocol", protocol, "outcome", "completed",
                        "error_code", "none")).as(protocol).isEqualTo(1.0);
                assertThat(s.value("ragd_chat_time_to_first_token_seconds_count", "protocol", protocol)).as(protocol)
                        .isEqualTo(1.0);
                assertThat(s.value("ragd_chat_answer_duration_seconds_count", "protocol", protocol,
                        "outcome", "completed")).isEqualTo(1.0);
                assertThat(s.value("ragd_chat_active_streams", "protocol", protocol)).isZero();
            }
            assertThat(s.value("ragd_chat_retrieval_duration_seconds_count")).isEqualTo(3.0);
            assertThat(s.value("ragd_chatlog_records_total", "outcome", "stored")).isEqualTo(3.0);
            assertThat(s.value("ragd_chatlog_write_duration_seconds_count", "outcome", "stored")).isEqualTo(3.0);
            assertThat(s.value("ragd_chatlog_queue_depth")).isZero();
            assertThat(s.value("ragd_chat_active_generations")).isZero();
            assertThat(s.value("ragd_chat_max_concurrent_generations")).isPositive();
            // SLO buckets: the first token of a local answer is well inside 2 s
            assertThat(s.value("ragd_chat_time_to_first_token_seconds_bucket", "le", "2.0")).isEqualTo(3.0);
            assertThat(s.value("ragd_websockets_open", "protocol", "ws_native")).isZero();
            assertThat(s.value("ragd_websockets_open", "protocol", "ws_book")).isZero();
            assertThat(s.has("jvm_memory_used_bytes")).isTrue();
            assertThat(s.has("process_cpu_usage")).isTrue();
        });
    }

    @Test
    void refusalsAreCountedByReasonAndCancellationsByOutcome() throws Exception {
        app = RunningApp.start(Map.of("RAGD_MAX_CONCURRENT_GENERATIONS", "1", "RAGD_EXTRACTIVE_TOKEN_MS", "100",
                "RAGD_RESUME_WINDOW_MS", "0")); // leaving cancels at once

        assertThat(post(NativeSocketE2ETest.request("long", "y".repeat(1001))).statusCode()).isEqualTo(400);
        try (WsSession ws = WsSession.connect(app.clientVertx(), app.port(), "/v1/chat")) {
            ws.send(NativeSocketE2ETest.request("slow", BookSocketE2ETest.QUESTION));
            assertThat(ws.nextJson().getString("type")).isEqualTo("start");
            Await.untilPasses(() -> {
                Scrape s = Scrape.of(app.baseUrl());
                assertThat(s.value("ragd_websockets_open", "protocol", "ws_native")).isEqualTo(1.0);
                assertThat(s.value("ragd_chat_active_streams", "protocol", "ws_native")).isEqualTo(1.0);
                assertThat(s.value("ragd_chat_active_generations")).isEqualTo(1.0);
            });
            HttpResponse<String> busy = post(NativeSocketE2ETest.request("second", BookSocketE2ETest.QUESTION));
            assertThat(busy.statusCode()).isEqualTo(429);
            assertThat(busy.body()).contains("busy");
        } // closing the socket cancels the slow answer

        Await.untilPasses(() -> {
            Scrape s = Scrape.of(app.baseUrl());
            assertThat(s.value("ragd_chat_rejections_total", "protocol", "http", "reason", "question_too_long"))
                    .isEqualTo(1.0);
            assertThat(s.value("ragd_chat_rejections_total", "protocol", "http", "reason", "busy")).isEqualTo(1.0);
            assertThat(s.value("ragd_chat_requests_total", "protocol", "ws_native", "outcome", "cancelled"))
                    .isEqualTo(1.0);
            assertThat(s.value("ragd_chatlog_records_total", "outcome", "stored")).isEqualTo(1.0);
            assertThat(s.value("ragd_chat_active_streams", "protocol", "ws_native")).isZero();
            assertThat(s.value("ragd_websockets_open", "protocol", "ws_native")).isZero();
        });
    }

    @Test
    void metricsCanBeSwitchedOffAndThenThereIsNoEndpoint() throws Exception {
        app = RunningApp.start(Map.of("RAGD_METRICS", "false"));
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(app.baseUrl()
                + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(404);
    }

    private HttpResponse<String> post(JsonObject body) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(app.baseUrl() + "/v1/chat"))
                .header("content-type", "application/json").timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(body.encode())).build(), HttpResponse.BodyHandlers.ofString());
    }
}
