package dev.ragd.mock;

import static dev.ragd.mock.MockFixture.BEARER;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The simulator's judge mode over real HTTP: a request whose system prompt is one of ragd's
 * shipped judge rubrics gets a deterministic {@code {"score", "reason"}} verdict from word overlap;
 * any other prompt still gets the grounded answer.
 */
class JudgeAnswererTest {

    private static final String GROUNDEDNESS = resource("/eval/judge-groundedness.txt");
    private static final String RELEVANCE = resource("/eval/judge-relevance.txt");
    private static final List<String> PASSAGES = List.of("Basil likes warm soil. Water basil in the morning.",
            "Tomatoes grow best in full sun.");
    /** An ordinary answering prompt, with the passage in the system message. */
    private static final String RAG_SYSTEM = "Answer only from the sources below and cite them as [n].\n[1] Title: Basil\n"
            + PASSAGES.get(0);

    private MockFixture f;

    @AfterEach
    void stop() throws Exception {
        if (f != null) {
            f.close();
        }
    }

    @Test
    void anAnswerWhoseWordsAllAppearInTheSourcesIsFullyGroundedWithTheCountsAsReason() throws Exception {
        f = new MockFixture(MockLlmOptions.defaults());

        JsonObject verdict = verdict(GROUNDEDNESS, userMessage("When to water basil?", PASSAGES,
                "Water basil in the morning [1]."));

        assertThat(verdict.getInteger("score")).isEqualTo(5);
        // content words of the answer: water, basil, morning (the citation is not a word of it)
        assertThat(verdict.getString("reason"))
                .isEqualTo("mock judge (groundedness): 3 of 3 content words of the answer appear in the sources");
    }

    @Test
    void anAnswerWithWordsTheSourcesLackScoresLowerInProportion() throws Exception {
        f = new MockFixture(MockLlmOptions.defaults());

        JsonObject half = verdict(GROUNDEDNESS, userMessage("When to water basil?", PASSAGES,
                "Water basil with seawater nightly."));
        JsonObject none = verdict(GROUNDEDNESS, userMessage("When to water basil?", PASSAGES,
                "Cactus needs gravel."));

        // water, basil found; seawater, nightly not: 1 + round(4 * 2/4) = 3
        assertThat(half.getInteger("score")).isEqualTo(3);
        assertThat(half.getString("reason")).contains("2 of 4 content words");
        assertThat(none.getInteger("score")).isEqualTo(1);
        assertThat(none.getString("reason")).contains("0 of 3 content words");
    }

    @Test
    void theSameRequestTwiceGetsTheSameVerdict() throws Exception {
        f = new MockFixture(MockLlmOptions.defaults());
        String user = userMessage("Do tomatoes need sun?", PASSAGES, "Tomatoes grow best in full shade [2].");

        String first = content(GROUNDEDNESS, user);
        String second = content(GROUNDEDNESS, user);

        assertThat(second).isEqualTo(first);
        // tomatoes, grow, best, full found; shade not: 1 + round(4 * 4/5) = 4
        assertThat(new JsonObject(first).getInteger("score")).isEqualTo(4);
    }

    @Test
    void relevanceOfAnAnswerSharingNoContentWordWithTheQuestionIsOne() throws Exception {
        f = new MockFixture(MockLlmOptions.defaults());

        JsonObject offTopic = verdict(RELEVANCE, userMessage("When should I water basil?", List.of(),
                "Tomatoes grow best in full sun."));
        JsonObject onTopic = verdict(RELEVANCE, userMessage("When should I water basil?", List.of(),
                "Water basil in the morning."));

        assertThat(offTopic.getInteger("score")).isEqualTo(1);
        assertThat(offTopic.getString("reason"))
                .isEqualTo("mock judge (relevance): 0 of 2 content words of the question appear in the answer");
        assertThat(onTopic.getInteger("score")).isEqualTo(5);
    }

    @Test
    void aVerdictIsNotPaddedToTheConfiguredAnswerLength() throws Exception {
        f = new MockFixture(MockLlmOptions.defaults().withTokens(200));

        String text = content(GROUNDEDNESS, userMessage("When to water basil?", PASSAGES, "Water basil daily."));
        String answer = content(RAG_SYSTEM, "When to water basil?");

        assertThat(Tokens.split(answer)).as("the control: an ordinary answer is padded to --tokens").hasSize(200);
        assertThat(text).startsWith("{").endsWith("}");
        JsonObject verdict = new JsonObject(text); // exactly one JSON object, nothing repeated after it
        assertThat(verdict.fieldNames()).containsExactlyInAnyOrder("score", "reason");
        assertThat(verdict.getInteger("score")).isEqualTo(4); // water, basil of water, basil, daily
    }

    @Test
    void aPromptThatIsNotAJudgeRubricStillGetsTheGroundedAnswer() throws Exception {
        f = new MockFixture(MockLlmOptions.defaults());
        String text = content(RAG_SYSTEM, "When to water basil?");

        assertThat(text).isEqualTo("Basil likes warm soil [1]. Water basil in the morning [1].");
        assertThat(text).doesNotContain("score", "mock judge");
        try {
            new JsonObject(text);
            throw new AssertionError("a grounded answer parsed as JSON: " + text);
        } catch (DecodeException expected) {
            // plain text, as it should be
        }
    }

    /** The user message as ModelJudge.userMessage writes it (sources only for groundedness, here when given). */
    private static String userMessage(String question, List<String> passages, String answer) {
        StringBuilder sb = new StringBuilder("<question>\n").append(question).append("\n</question>\n");
        if (!passages.isEmpty()) {
            sb.append("<sources>\n");
            for (int i = 0; i < passages.size(); i++) {
                sb.append("<passage id=\"").append(i + 1).append("\">\n").append(passages.get(i)).append("\n</passage>\n");
            }
            sb.append("</sources>\n");
        }
        return sb.append("<answer>\n").append(answer).append("\n</answer>").toString();
    }

    private JsonObject verdict(String system, String user) throws Exception {
        return new JsonObject(content(system, user));
    }

    /** The assistant's text for one non-streaming request, after checking the completion's shape. */
    private String content(String system, String user) throws Exception {
        JsonArray messages = new JsonArray();
        if (system != null) {
            messages.add(new JsonObject().put("role", "system").put("content", system));
        }
        messages.add(new JsonObject().put("role", "user").put("content", user));
        String body = new JsonObject().put("model", "gpt-4o-mini").put("messages", messages).put("stream", false)
                .put("temperature", 0.0).encode();

        MockFixture.Reply reply = f.post("/v1/chat/completions", BEARER, body);

        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        JsonObject choice = reply.json().getJsonArray("choices").getJsonObject(0);
        assertThat(choice.getString("finish_reason")).isEqualTo("stop");
        return choice.getJsonObject("message").getString("content");
    }

    private static String resource(String path) {
        try (InputStream in = JudgeAnswererTest.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
