package dev.ragd.e2e.llm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ragd.chatlog.ChatRecord;
import dev.ragd.mock.MockLlmServer;
import dev.ragd.testsupport.Await;
import dev.ragd.testsupport.RedisServer;
import dev.ragd.testsupport.RunningApp;
import dev.ragd.testsupport.WsSession;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Two replicas sharing one Redis, both streaming from one slow model server: an answer asked on
 * replica A is stopped by {@code POST /v1/chat/{log_id}/stop} sent to replica B. A's client gets
 * {@code end} with status {@code stopped}, the record keeps the text it received, and another user's
 * stop, or a stop of an answer that ended, is {@code 404} on either replica.
 */
class StopAcrossReplicasE2ETest {

    static final String ALICE = "sk-alice-relay-4f1e9c2b7d";
    static final String BOB = "sk-bob-relay-77aa01bb22cc";
    final HttpClient http = HttpClient.newHttpClient();

    private static Map<String, String> env(int mockPort, String redisUrl) {
        Map<String, String> env = new HashMap<>(Map.of("RAGD_LLM", "openai", "OPENAI_BASE_URL",
                "http://127.0.0.1:" + mockPort + "/v1", "OPENAI_API_KEY", LlmRig.KEY, "RAGD_QUERY_REWRITE", "false",
                "RAGD_AUTH", "api-key", "RAGD_API_KEYS", "alice=" + ALICE + ",bob=" + BOB, "RAGD_REDIS_URL", redisUrl,
                "RAGD_STREAM_COALESCE_MS", "0"));
        return env;
    }

    private HttpResponse<String> stop(RunningApp app, String logId, String key) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(app.baseUrl() + "v1/chat/" + logId + "/stop"))
                .header("authorization", "Bearer " + key).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aStopSentToAnotherReplicaStopsTheAnswerWhereItRuns() throws Exception {
        Vertx mockVertx = Vertx.vertx();
        try (RedisServer redis = RedisServer.launch()) {
            MockLlmServer mock = MockLlmServer.start(mockVertx, LlmRig.healthy().withTtftMs(50).withTokenMs(40)
                    .withTokens(500)).await(10, TimeUnit.SECONDS);
            try (RunningApp a = RunningApp.start(env(mock.port(), redis.url()));
                 RunningApp b = RunningApp.start(env(mock.port(), redis.url()));
                 WsSession ws = WsSession.connect(a.clientVertx(), a.port(), new WebSocketConnectOptions()
                         .setURI("/v1/chat").addSubProtocol("bearer." + ALICE))) {
                ws.send(Clients.request("r-1", LlmRig.QUESTION));
                String logId = null;
                StringBuilder text = new StringBuilder();
                int tokens = 0;
                JsonObject frame;
                while (true) {
                    frame = ws.nextJson();
                    switch (frame.getString("type")) {
                        case "start" -> logId = frame.getString("log_id");
                        case "token" -> {
                            text.append(frame.getString("text"));
                            if (++tokens == 3) {
                                assertThat(stop(b, logId, BOB).statusCode()).as("another user, on B").isEqualTo(404);
                                HttpResponse<String> stopped = stop(b, logId, ALICE);
                                assertThat(stopped.statusCode()).as(stopped.body()).isEqualTo(202);
                            }
                        }
                        default -> { }
                    }
                    if (Clients.terminal(frame)) {
                        break;
                    }
                }

                assertThat(frame.getString("type")).isEqualTo("end");
                assertThat(frame.getString("status")).isEqualTo("stopped");
                String id = logId;
                Await.until(() -> a.record(id).isPresent());
                ChatRecord r = a.record(logId).orElseThrow();
                assertThat(r.status()).isEqualTo(ChatRecord.Status.stopped);
                assertThat(r.finalAnswer()).isEqualTo(text.toString());
                assertThat(tokens).isLessThan(100);
                Await.untilPasses(() -> assertThat(stop(b, id, ALICE).statusCode()).as("ended").isEqualTo(404));
                assertThat(stop(a, logId, ALICE).statusCode()).isEqualTo(404);
            }
        } finally {
            mockVertx.close().await(10, TimeUnit.SECONDS);
        }
    }
}
