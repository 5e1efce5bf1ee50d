package dev.ragd.mock;

import static dev.ragd.mock.MockFixture.BEARER;
import static dev.ragd.mock.MockFixture.chat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ragd.cli.RagdCli;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code cut} knob (a stream failing mid-answer), the {@code apiKey} knob and live reconfiguration. */
class MockLlmCutAndKeyTest {

    private static final String SOURCES = "[1] Title: Basil\nBasil likes warm soil. Water basil in the morning.";
    private static final String STREAM = chat(true, true, "When to water basil?", SOURCES);

    @Test
    void aCutStreamSendsSomeTokensThenAnInStreamErrorEventAndEnds() throws Exception {
        try (MockFixture f = new MockFixture(MockLlmOptions.defaults().withCut(1.0))) {
            MockFixture.Reply whole = f.post("/v1/chat/completions", BEARER, chat(false, false, "When to water basil?", SOURCES));
            MockFixture.Reply cut = f.post("/v1/chat/completions", BEARER, STREAM);

            assertThat(whole.status()).as("a non-streaming answer is never cut").isEqualTo(200);
            assertThat(cut.status()).isEqualTo(200);
            List<String> events = cut.events();
            assertThat(events).doesNotContain("[DONE]");
            JsonObject last = new JsonObject(events.getLast());
            assertThat(last.getJsonObject("error").getString("type")).isEqualTo("server_error");
            List<JsonObject> before = events.subList(0, events.size() - 1).stream().map(JsonObject::new).toList();
            long contentChunks = before.stream().filter(c -> !c.getJsonArray("choices").isEmpty()
                    && !c.getJsonArray("choices").getJsonObject(0).getJsonObject("delta").getString("content", "").isEmpty())
                    .count();
            assertThat(contentChunks).as("some tokens before the error").isPositive();
            assertThat(before).noneMatch(c -> c.encode().contains("\"finish_reason\":\"stop\""));
            assertThat(f.server.stats().cutStreams()).isEqualTo(1);
            assertThat(f.server.stats().openStreams()).isZero();
            assertThat(f.server.stats().cancelledStreams()).isZero();
        }
    }

    @Test
    void cutsDoNotChangeTheSeededSequenceOfOtherFaults() {
        Decisions plain = new Decisions(7, 0.3, 0.3, 0.3);
        Decisions withCuts = new Decisions(7, 0.3, 0.3, 0.3, 0.5);
        for (int i = 0; i < 200; i++) {
            Decision a = plain.next(true);
            Decision b = withCuts.next(true);
            if (a.kind() == Decision.Kind.ANSWER) {
                assertThat(b.kind()).isIn(Decision.Kind.ANSWER, Decision.Kind.CUT);
            } else {
                assertThat(b).isEqualTo(a);
            }
        }
    }

    @Test
    void withARequiredKeyOtherKeysGet401AndTheRightOnePasses() throws Exception {
        String key = "sk-right-key-0123456789";
        try (MockFixture f = new MockFixture(MockLlmOptions.defaults().withApiKey(key))) {
            MockFixture.Reply wrong = f.post("/v1/chat/completions", BEARER, STREAM);
            MockFixture.Reply right = f.post("/v1/chat/completions",
                    Map.of("authorization", "Bearer " + key, "content-type", "application/json"), STREAM);
            MockFixture.Reply azureWrong = f.post("/openai/deployments/d/chat/completions?api-version=2024-10-21",
                    Map.of("api-key", "nope", "content-type", "application/json"), STREAM);
            MockFixture.Reply azureRight = f.post("/openai/deployments/d/chat/completions?api-version=2024-10-21",
                    Map.of("api-key", key, "content-type", "application/json"), STREAM);

            assertThat(wrong.status()).isEqualTo(401);
            JsonObject error = wrong.json().getJsonObject("error");
            assertThat(error.getString("code")).isEqualTo("invalid_api_key");
            assertThat(error.getString("message")).contains("Incorrect API key provided").doesNotContain("sk-test");
            assertThat(right.status()).isEqualTo(200);
            assertThat(azureWrong.status()).isEqualTo(401);
            assertThat(azureRight.status()).isEqualTo(200);
        }
    }

    @Test
    void reconfigureChangesFaultsForLaterRequestsButKeepsThePort() throws Exception {
        try (MockFixture f = new MockFixture(MockLlmOptions.defaults().withRate5xx(1.0))) {
            int port = f.server.port();
            MockFixture.Reply failing = f.post("/v1/chat/completions", BEARER, STREAM);

            f.server.reconfigure(MockLlmOptions.defaults());

            MockFixture.Reply healthy = f.post("/v1/chat/completions", BEARER, STREAM);
            assertThat(failing.status()).isIn(500, 503);
            assertThat(healthy.status()).isEqualTo(200);
            assertThat(f.server.port()).isEqualTo(port);
            assertThat(f.server.options().rate5xx()).isZero();
            assertThat(f.server.stats().requests()).as("counters kept").isEqualTo(2);
        }
    }

    @Test
    void badCutShareIsRejectedNamingTheOption() {
        assertThatThrownBy(() -> MockLlmOptions.defaults().withCut(1.5))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--cut");
    }

    @Test
    void theCommandLineOffersBothKnobsAndRefusesABadCutShare(@TempDir Path dir) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int help = RagdCli.run(new PrintWriter(out, true), new PrintWriter(err, true), new String[] {"mock-llm", "--help"},
                Map.of(), dir);
        StringWriter badErr = new StringWriter();
        int bad = RagdCli.run(new PrintWriter(new StringWriter(), true), new PrintWriter(badErr, true),
                new String[] {"mock-llm", "--cut=2"}, Map.of(), dir);

        assertThat(help).isZero();
        assertThat(out.toString()).contains("--cut", "--api-key");
        assertThat(bad).isEqualTo(2);
        assertThat(badErr.toString()).startsWith("ragd mock-llm: --cut").contains("must be a share from 0 to 1");
    }
}
