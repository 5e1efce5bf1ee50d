package dev.ragd.e2e.llm;

import static dev.ragd.e2e.llm.LlmRig.QUESTION;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ragd.chatlog.ChatRecord;
import dev.ragd.mock.Decision;
import dev.ragd.mock.Decisions;
import dev.ragd.testsupport.Await;
import dev.ragd.testsupport.WsSession;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Upstream failures end to end: the real ragd app against the real mock, whose faults each test
 * switches on with {@code MockLlmServer.reconfigure}. One app for all: 500 ms stall timeout, 1 s
 * first-token timeout, one retry, at most two generations at once, a breaker that never opens here
 * (it has its own test class).
 */
class OpenAiUpstreamE2ETest {

    static final Map<String, String> ENV = Map.of("RAGD_LLM_STALL_TIMEOUT_MS", "500",
            "RAGD_LLM_FIRST_TOKEN_TIMEOUT_MS", "1000", "RAGD_LLM_MAX_RETRIES", "1",
            "RAGD_BREAKER_FAILURES", "1000", "RAGD_MAX_CONCURRENT_GENERATIONS", "2", "RAGD_RESUME_WINDOW_MS", "1000");

    private static LlmRig rig;

    @BeforeAll
    static void start() throws Exception {
        rig = LlmRig.openAi(LlmRig.healthy(), ENV);
    }

    @AfterAll
    static void stop() throws Exception {
        if (rig != null) {
            rig.close();
        }
    }

    @BeforeEach
    void healthyMock() throws InterruptedException {
        Await.until(() -> rig.stats().openStreams() == 0);
        rig.resetMock();
    }

    private static List<JsonObject> ask(String id) throws Exception {
        try (WsSession ws = WsSession.connect(rig.app.clientVertx(), rig.app.port(), "/v1/chat")) {
            ws.send(Clients.request(id, QUESTION));
            return Clients.untilDone(ws);
        }
    }

    @Test
    void a429WithRetryAfterIsRetriedAfterTheDelayAndTheClientGetsANormalAnswer() throws Exception {
        long seed = firstRateLimitedThenAnswered();
        rig.mock.reconfigure(LlmRig.healthy().withRate429(0.5).withRetryAfterS(1).withSeed(seed));

        long t0 = System.nanoTime();
        List<JsonObject> frames = ask("rl-1");
        long elapsedMs = (System.nanoTime() - t0) / 1_000_000;

        assertThat(frames.getLast().getString("type")).as("%s", frames).isEqualTo("end");
        assertThat(Clients.text(frames)).contains("5 years");
        assertThat(frames).noneMatch(f -> "error".equals(f.getString("type")));
        assertThat(rig.stats().status(429)).isEqualTo(1);
        assertThat(rig.stats().status(200)).isEqualTo(1);
        assertThat(rig.stats().requests()).isEqualTo(2);
        assertThat(elapsedMs).as("waited for Retry-After: 1").isGreaterThanOrEqualTo(950);
        assertThat(rig.record("rl-1").status()).isEqualTo(ChatRecord.Status.completed);
    }

    /** A seed whose first decision at rate 0.5 is a 429 and whose second is an answer. */
    private static long firstRateLimitedThenAnswered() {
        for (long seed = 1; ; seed++) {
            Decisions d = new Decisions(seed, 0.5, 0, 0);
            if (d.next(true).kind() == Decision.Kind.RATE_LIMITED && d.next(true).kind() == Decision.Kind.ANSWER) {
                return seed;
            }
        }
    }

    @Test
    void anErrorEventAfterTheFirstTokenCutsTheAnswerWithoutARetryAndLogsItFailed() throws Exception {
        rig.mock.reconfigure(LlmRig.healthy().withCut(1.0));

        List<JsonObject> frames = ask("cut-1");

        JsonObject error = frames.getLast();
        assertThat(error.getString("type")).as("%s", frames).isEqualTo("error");
        assertThat(error.getString("code")).isEqualTo("answer_cut");
        assertThat(error.getBoolean("retryable")).isTrue();
        String partial = Clients.text(frames);
        assertThat(partial).isNotEmpty();
        assertThat(rig.stats().cutStreams()).isEqualTo(1);
        assertThat(rig.stats().requests()).as("never retried after a token").isEqualTo(1);
        ChatRecord record = rig.record("cut-1");
        assertThat(record.status()).isEqualTo(ChatRecord.Status.failed);
        assertThat(record.finalAnswer()).isEqualTo(partial);
    }

    @Test
    void aStreamThatStallsMidAnswerIsCutAfterTheStallTimeoutAndTheUpstreamIsClosed() throws Exception {
        rig.mock.reconfigure(LlmRig.healthy().withStall(1.0));

        List<JsonObject> frames = ask("stall-1");

        JsonObject error = frames.getLast();
        assertThat(error.getString("type")).as("%s", frames).isEqualTo("error");
        assertThat(error.getString("code")).isEqualTo("answer_cut");
        assertThat(error.getBoolean("retryable")).isTrue();
        assertThat(Clients.text(frames)).isNotEmpty();
        assertThat(rig.stats().stalledStreams()).isEqualTo(1);
        assertThat(rig.stats().requests()).as("never retried after a token").isEqualTo(1);
        Await.until(() -> rig.stats().openStreams() == 0);
        ChatRecord record = rig.record("stall-1");
        assertThat(record.status()).isEqualTo(ChatRecord.Status.failed);
        assertThat(record.finalAnswer()).isEqualTo(Clients.text(frames));
    }

    @Test
    void noFirstTokenWithinTheFirstTokenTimeoutIsAnUpstreamTimeout() throws Exception {
        rig.mock.reconfigure(LlmRig.healthy().withTtftMs(5_000));

        List<JsonObject> frames = ask("ttft-1");

        JsonObject error = frames.getLast();
        assertThat(error.getString("type")).as("%s", frames).isEqualTo("error");
        assertThat(error.getString("code")).isEqualTo("upstream_timeout");
        assertThat(error.getBoolean("retryable")).isTrue();
        assertThat(Clients.text(frames)).isEmpty();
        assertThat(rig.stats().requests()).as("not retried: the wait was spent (OpenAiTokenStream's policy)").isEqualTo(1);
        Await.until(() -> rig.stats().openStreams() == 0);
        assertThat(rig.stats().cancelledStreams()).as("ragd closed the silent stream").isEqualTo(1);
        assertThat(rig.record("ttft-1").status()).isEqualTo(ChatRecord.Status.failed);
    }

    @Test
    void closingTheSocketAfterTheFirstTokenClosesTheUpstreamStreamOnceTheResumeWindowHasPassed() throws Exception {
        rig.mock.reconfigure(LlmRig.healthy().withTokenMs(100).withTokens(200));
        try (WsSession ws = WsSession.connect(rig.app.clientVertx(), rig.app.port(), "/v1/chat")) {
            ws.send(Clients.request("leave-1", QUESTION));
            JsonObject frame;
            do {
                frame = ws.nextJson();
            } while (!"token".equals(frame.getString("type")));
            assertThat(rig.stats().openStreams()).isEqualTo(1);
        }

        long t0 = System.nanoTime();
        Await.until(() -> rig.stats().openStreams() == 0);
        long closedAfterMs = (System.nanoTime() - t0) / 1_000_000;
        assertThat(rig.stats().cancelledStreams()).isEqualTo(1);
        assertThat(closedAfterMs).as("kept for a resume for the window (1 s), then closed, not at the end of a 20 s answer")
                .isBetween(700L, 3_000L);
        assertThat(rig.stats().tokensSent()).isLessThan(200);
        assertThat(rig.record("leave-1").status()).isEqualTo(ChatRecord.Status.cancelled);
    }

    @Test
    void overTheCapOfConcurrentGenerationsARequestIsRefusedBusyAndTheOthersComplete() throws Exception {
        rig.mock.reconfigure(LlmRig.healthy().withTokenMs(50).withTokens(30));
        Map<String, JsonObject> last = new HashMap<>();
        try (WsSession ws = WsSession.connect(rig.app.clientVertx(), rig.app.port(), "/v1/chat")) {
            for (String id : List.of("cap-1", "cap-2", "cap-3")) {
                ws.send(Clients.request(id, QUESTION));
            }
            while (last.size() < 3) {
                JsonObject frame = ws.nextJson();
                if (Clients.terminal(frame)) {
                    last.put(frame.getString("id"), frame);
                }
            }
        }

        List<JsonObject> busy = last.values().stream().filter(f -> "error".equals(f.getString("type"))).toList();
        assertThat(busy).as("%s", last).hasSize(1);
        assertThat(busy.getFirst().getString("code")).isEqualTo("busy");
        assertThat(busy.getFirst().getBoolean("retryable")).isTrue();
        assertThat(busy.getFirst().getLong("retry_after_ms")).isPositive();
        assertThat(last.values()).filteredOn(f -> "end".equals(f.getString("type"))).hasSize(2);
        assertThat(rig.stats().requests()).as("the refused one never reached the model").isEqualTo(2);
        assertThat(rig.stats().maxOpenStreams()).isEqualTo(2);
        assertThat(rig.app.record(busy.getFirst().getString("id"))).as("a refused request leaves no record").isEmpty();
    }
}
