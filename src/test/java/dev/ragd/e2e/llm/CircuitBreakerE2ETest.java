package dev.ragd.e2e.llm;

import static dev.ragd.e2e.llm.LlmRig.QUESTION;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ragd.chatlog.ChatRecord;
import dev.ragd.testsupport.WsSession;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The circuit breaker end to end: two failed questions (5xx, no retries) open it, the third fails
 * fast without reaching the upstream, and after the reset time a question against the recovered
 * upstream goes through and closes it.
 */
class CircuitBreakerE2ETest {

    private static LlmRig rig;

    @BeforeAll
    static void start() throws Exception {
        rig = LlmRig.openAi(LlmRig.healthy(), Map.of("RAGD_BREAKER_FAILURES", "2", "RAGD_LLM_MAX_RETRIES", "0",
                "RAGD_BREAKER_RESET_MS", "1000"));
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

    @Test
    void twoFailuresOpenTheBreakerWhichFailsFastThenRecoversAfterTheResetTime() throws Exception {
        rig.resetMock();
        rig.mock.reconfigure(LlmRig.healthy().withRate5xx(1.0));

        JsonObject first = ask("cb-1");
        JsonObject second = ask("cb-2");
        long requestsWhenOpened = rig.stats().requests();
        JsonObject third = ask("cb-3");

        assertThat(first.getString("code")).as("%s", first).isEqualTo("upstream_unavailable");
        assertThat(second.getString("code")).as("%s", second).isEqualTo("upstream_unavailable");
        assertThat(requestsWhenOpened).as("no retries").isEqualTo(2);
        assertThat(third.getString("code")).as("%s", third).isEqualTo("circuit_open");
        assertThat(third.getBoolean("retryable")).isTrue();
        assertThat(third.getLong("retry_after_ms")).isPositive().isLessThanOrEqualTo(1000);
        assertThat(rig.stats().requests()).as("failed fast: nothing reached the upstream").isEqualTo(2);
        assertThat(rig.record("cb-3").status()).isEqualTo(ChatRecord.Status.failed);

        rig.mock.reconfigure(LlmRig.healthy());
        Thread.sleep(third.getLong("retry_after_ms") + 100);
        JsonObject trial = ask("cb-4");
        JsonObject after = ask("cb-5");

        assertThat(trial.getString("type")).as("%s", trial).isEqualTo("end");
        assertThat(after.getString("type")).as("breaker closed: %s", after).isEqualTo("end");
        assertThat(rig.stats().requests()).isEqualTo(4);
        assertThat(rig.stats().status(200)).isEqualTo(2);
        assertThat(rig.record("cb-5").status()).isEqualTo(ChatRecord.Status.completed);
    }
}
