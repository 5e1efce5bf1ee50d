package dev.ragd.mock;

import static dev.ragd.mock.MockFixture.BEARER;
import static dev.ragd.mock.MockFixture.await;
import static dev.ragd.mock.MockFixture.chat;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MockLlmFaultsTest {

    private static final String SOURCES = "[1] Title: Basil\nBasil likes warm soil. Water basil in the morning.";
    private static final String STREAM = chat(true, true, "When to water basil?", SOURCES);

    @Test
    void rate429OfOneAnswersEveryRequestWithRetryAfter() throws Exception {
        try (MockFixture f = new MockFixture(MockLlmOptions.defaults().withRate429(1.0).withRetryAfterS(3))) {
            MockFixture.Reply openAi = f.post("/v1/chat/completions", BEARER, STREAM);
            MockFixture.Reply azure = f.post("/openai/deployments/d/chat/completions?api-version=2024-10-21",
                    Map.of("api-key", "k"), STREAM);
            MockFixture.Reply embeddings = f.post("/v1/embeddings", BEARER, "{\"model\":\"e\",\"input\":\"x\"}");

            assertThat(openAi.status()).isEqualTo(429);
            assertThat(openAi.headers().get("retry-after")).isEqualTo("3");
            JsonObject error = openAi.json().getJsonObject("error");
            assertThat(error.getString("code")).isEqualTo("rate_limit_exceeded");
            assertThat(error.getString("type")).isEqualTo("requests");
            assertThat(azure.status()).isEqualTo(429);
            assertThat(azure.headers().get("retry-after")).isEqualTo("3");
            assertThat(azure.headers().get("retry-after-ms")).isEqualTo("3000");
            assertThat(azure.json().getJsonObject("error").getString("code")).isEqualTo("429");
            assertThat(azure.json().getJsonObject("error").getString("message")).contains("retry after 3 seconds");
            assertThat(embeddings.status()).isEqualTo(429);
            assertThat(f.server.stats().status(429)).isEqualTo(3);
            assertThat(f.server.stats().maxOpenStreams()).isZero();
        }
    }

    @Test
    void rate5xxOfOneAnswersServerErrors() throws Exception {
        try (MockFixture f = new MockFixture(MockLlmOptions.defaults().withRate5xx(1.0))) {
            List<Integer> statuses = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                MockFixture.Reply r = f.post("/v1/chat/completions", BEARER, STREAM);
                statuses.add(r.status());
                assertThat(r.json().getJsonObject("error").getString("type")).isEqualTo("server_error");
            }

            assertThat(statuses).allMatch(s -> s == 500 || s == 503).contains(500, 503);
            assertThat(f.server.stats().status(500) + f.server.stats().status(503)).isEqualTo(10);
        }
    }

    @Test
    void aStalledStreamStopsMidAnswerAndStaysOpenUntilTheClientLeaves() throws Exception {
        try (MockFixture f = new MockFixture(MockLlmOptions.defaults().withStall(1.0))) {
            MockFixture.Open open = f.open("/v1/chat/completions", BEARER, STREAM);

            await(() -> f.server.stats().stalledStreams() == 1 && open.received.toString().contains("\"content\":\"Basil\""));
            Thread.sleep(200); // a stalled stream must not move on: give it time to misbehave
            String sofar = open.received.toString();
            assertThat(open.status).isEqualTo(200);
            assertThat(open.ended).isFalse();
            assertThat(sofar).doesNotContain("finish_reason\":\"stop", "[DONE]", "morning [1].");
            assertThat(f.server.stats().openStreams()).isEqualTo(1);

            open.cancel();

            await(() -> f.server.stats().openStreams() == 0);
            assertThat(f.server.stats().cancelledStreams()).isEqualTo(1);
        }
    }

    @Test
    void aClientClosingMidStreamIsCountedAndItsTimerStops() throws Exception {
        try (MockFixture f = new MockFixture(MockLlmOptions.defaults().withTokenMs(60_000))) {
            MockFixture.Open open = f.open("/v1/chat/completions", BEARER, STREAM);
            await(() -> open.received.toString().contains("\"content\":\"Basil\""));
            assertThat(f.server.stats().openStreams()).isEqualTo(1);

            open.cancel();

            await(() -> f.server.stats().openStreams() == 0);
            assertThat(f.server.stats().cancelledStreams()).isEqualTo(1);
            assertThat(f.server.stats().tokensSent()).isEqualTo(1);
            assertThat(f.get("/v1/models", BEARER).status()).as("the server still answers").isEqualTo(200);
        }
    }

    @Test
    void requestsOverTheConcurrencyCapGet429UntilAStreamCloses() throws Exception {
        try (MockFixture f = new MockFixture(MockLlmOptions.defaults().withMaxConcurrent(2).withTtftMs(60_000))) {
            MockFixture.Open a = f.open("/v1/chat/completions", BEARER, STREAM);
            MockFixture.Open b = f.open("/v1/chat/completions", BEARER, STREAM);
            await(() -> f.server.stats().openStreams() == 2);

            MockFixture.Reply third = f.post("/v1/chat/completions", BEARER, STREAM);

            assertThat(third.status()).isEqualTo(429);
            assertThat(third.headers().get("retry-after")).isEqualTo("1");
            a.cancel();
            b.cancel();
            await(() -> f.server.stats().openStreams() == 0);
            assertThat(f.server.stats().maxOpenStreams()).isEqualTo(2);
            assertThat(f.server.stats().cancelledStreams()).isEqualTo(2);
        }
    }

    private static List<Integer> statuses(MockFixture f, int n) throws Exception {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(f.post("/v1/chat/completions", BEARER, chat(false, false, "hi")).status());
        }
        return out;
    }

    @Test
    void theSameSeedRepeatsTheSameFailuresAndResetReplaysThem() throws Exception {
        MockLlmOptions options = MockLlmOptions.defaults().withRate429(0.3).withRate5xx(0.3).withSeed(7);
        List<Integer> first;
        List<Integer> replay;
        List<Integer> sameSeed;
        List<Integer> otherSeed;
        try (MockFixture f = new MockFixture(options)) {
            first = statuses(f, 30);
            f.post("/mock/reset", Map.of(), "");
            replay = statuses(f, 30);
        }
        try (MockFixture f = new MockFixture(options)) {
            sameSeed = statuses(f, 30);
        }
        try (MockFixture f = new MockFixture(options.withSeed(8))) {
            otherSeed = statuses(f, 30);
        }

        assertThat(first).contains(200, 429).containsAnyOf(500, 503);
        assertThat(replay).isEqualTo(first);
        assertThat(sameSeed).isEqualTo(first);
        assertThat(otherSeed).isNotEqualTo(first);
    }
}
