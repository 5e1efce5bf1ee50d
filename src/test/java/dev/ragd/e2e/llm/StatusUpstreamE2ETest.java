package dev.ragd.e2e.llm;

import static dev.ragd.e2e.llm.LlmRig.QUESTION;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ragd.testsupport.Await;
import dev.ragd.testsupport.WsSession;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The status data of a replica whose model upstream goes bad: 429s (with their rate-limit headroom
 * header) are retried once, then the breaker opens and refuses the next call.
 */
class StatusUpstreamE2ETest {

    private static LlmRig rig;

    @BeforeAll
    static void start() throws Exception {
        rig = LlmRig.openAi(LlmRig.healthy(), Map.of("RAGD_LLM_MAX_RETRIES", "1", "RAGD_BREAKER_FAILURES", "2",
                "RAGD_BREAKER_RESET_MS", "60000"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (rig != null) {
            rig.close();
        }
    }

    private static JsonObject ask(String id) throws Exception {
        try (WsSession ws = WsSession.connect(rig.app.clientVertx(), rig.app.port(), "/v1/chat")) {
            ws.send(Clients.request(id, QUESTION));
            List<JsonObject> frames = Clients.untilDone(ws);
            return frames.getLast();
        }
    }

    private static JsonObject data() throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(rig.app.baseUrl() + "status/data")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).doesNotContain(LlmRig.KEY, "Cinder");
        return new JsonObject(r.body());
    }

    @Test
    void upstreamErrorsRetriesHeadroomAndTheOpenBreakerAreShown() throws Exception {
        JsonArray before = data().getJsonArray("upstreams");
        assertThat(before).hasSize(1);
        assertThat(before.getJsonObject(0).getString("name")).contains(LlmRig.MODEL);
        assertThat(before.getJsonObject(0).getString("breaker")).isEqualTo("closed");
        assertThat(before.getJsonObject(0).getValue("ratelimit_remaining_requests")).isNull();

        assertThat(ask("up-ok").getString("type")).isEqualTo("end");
        rig.mock.reconfigure(LlmRig.healthy().withRate429(1.0));
        assertThat(ask("up-429-a").getString("code")).isEqualTo("rate_limited");
        assertThat(ask("up-429-b").getString("code")).isEqualTo("rate_limited");
        assertThat(ask("up-open").getString("code")).isEqualTo("circuit_open");

        Await.untilPasses(() -> {
            JsonObject d = data();
            JsonObject w = d.getJsonObject("windows").getJsonObject("1m");
            assertThat(w.getJsonObject("ended").getLong("completed")).isEqualTo(1);
            assertThat(w.getJsonObject("ended").getLong("failed")).isEqualTo(3);
            assertThat(w.getJsonObject("upstream_errors").getLong("rate_limited"))
                    .as("two questions, two attempts each").isEqualTo(4);
            assertThat(w.getLong("retries")).isEqualTo(2);
            assertThat(w.getLong("breaker_refusals")).isEqualTo(1);
            assertThat(w.getLong("ratelimit_min_remaining_requests")).isZero();
            assertThat(w.getJsonObject("ttft_ms").getLong("count")).isEqualTo(1);
            JsonObject up = d.getJsonArray("upstreams").getJsonObject(0);
            assertThat(up.getString("breaker")).isEqualTo("open");
            assertThat(up.getLong("breaker_changes")).isEqualTo(1);
            assertThat(up.getLong("ratelimit_remaining_requests")).isZero();
            assertThat(up.getLong("ratelimit_at")).isPositive();
        });
    }
}
