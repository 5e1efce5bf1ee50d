package dev.ragd.e2e.llm;

import static dev.ragd.e2e.llm.LlmRig.QUESTION;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ragd.testsupport.Await;
import dev.ragd.testsupport.Scrape;
import dev.ragd.testsupport.WsSession;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code RAGD_WARMUP_MS}: a starting replica is live but not ready while it drives its own request
 * path, turns questions away with a retryable {@code warming_up} meanwhile, and the warm-up costs nothing: no model call, no chat-log record, no metric, no status count.
 */
class WarmUpE2ETest {

    @Test
    void aReplicaIsNotReadyWhileItWarmsUpAndTheWarmUpCallsNoModelAndLeavesNoTrace() throws Exception {
        try (LlmRig rig = LlmRig.openAi(LlmRig.healthy(), Map.of("RAGD_WARMUP_MS", "3000"))) {
            HttpResponse<String> warming = get(rig, "/readyz");
            assertThat(warming.statusCode()).isEqualTo(503);
            assertThat(new JsonObject(warming.body()).getJsonObject("reasons").getString("warmup"))
                    .startsWith("warming up: ").contains("RAGD_WARMUP_MS=3000");
            assertThat(get(rig, "/healthz").statusCode()).as("live while warming").isEqualTo(200);
            assertThat(get(rig, "/").statusCode()).as("the page is served while warming").isEqualTo(200);
            // Questions are turned away, retryable, so a proxy without readiness checks sends them elsewhere.
            HttpResponse<String> post = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(rig.app.baseUrl() + "/v1/chat")).header("content-type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"question\":\"" + QUESTION + "\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(post.statusCode()).isEqualTo(503);
            assertThat(post.headers().firstValue("retry-after")).contains("1");
            JsonObject error = new JsonObject(post.body()).getJsonObject("error");
            assertThat(error.getString("code")).isEqualTo("warming_up");
            assertThat(error.getBoolean("retryable")).isTrue();
            assertThat(error.getString("message")).startsWith("this replica is warming up: ");
            for (String path : List.of("/", "/v1/chat")) {
                assertThatThrownBy(() -> HttpClient.newHttpClient().newWebSocketBuilder()
                        .buildAsync(URI.create(rig.app.baseUrl().replace("http", "ws").replaceAll("/$", "") + path), new WebSocket.Listener() {})
                        .join()).as("WebSocket %s while warming", path).hasRootCauseMessage("Unexpected HTTP response status code 503");
            }

            Await.untilPasses(() -> assertThat(get(rig, "/readyz").statusCode()).isEqualTo(200));

            assertThat(rig.stats().requests()).as("no request reached the model").isZero();
            assertThat(rig.app.app().chatLog().store().recent(10)).as("no chat-log record").isEmpty();
            Scrape s = Scrape.of(rig.app.baseUrl());
            assertThat(s.value("ragd_chat_requests_total")).isZero();
            assertThat(s.value("ragd_chat_time_to_first_token_seconds_count")).isZero();
            assertThat(new JsonObject(get(rig, "/status/data").body()).getJsonObject("totals").getLong("admitted"))
                    .isZero();

            List<JsonObject> frames;
            try (WsSession ws = WsSession.connect(rig.app.clientVertx(), rig.app.port(), "/v1/chat")) {
                ws.send(Clients.request("after-warm-up", QUESTION));
                frames = Clients.untilDone(ws);
            }
            assertThat(frames.getLast().getString("type")).isEqualTo("end");
            assertThat(rig.stats().requests()).isEqualTo(1);
        }
    }

    private static HttpResponse<String> get(LlmRig rig, String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(rig.app.baseUrl() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
