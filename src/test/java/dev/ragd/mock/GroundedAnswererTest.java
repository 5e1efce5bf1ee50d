package dev.ragd.mock;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ragd.llm.GenerationRequest;
import dev.ragd.llm.Message;
import dev.ragd.llm.openai.Prompts;
import dev.ragd.retrieval.Passage;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

class GroundedAnswererTest {

    private static final String SOURCES = """
            Answer only from the sources below and cite them as [n].
            [1] Title: Tomatoes
            Tomatoes grow best in full sun. Pinch the side shoots weekly.
            [2] Title: Basil
            Basil likes warm soil. Water basil in the morning.
            """;

    private static Prompt prompt(String... roleText) {
        JsonArray messages = new JsonArray();
        for (int i = 0; i < roleText.length; i += 2) {
            messages.add(new JsonObject().put("role", roleText[i]).put("content", roleText[i + 1]));
        }
        return Prompt.from(messages);
    }

    @Test
    void answerTakesSentencesSharingWordsWithTheQuestionAndCitesTheirPassage() {
        String answer = GroundedAnswerer.answer(prompt("system", SOURCES, "user", "When should I water basil?"));

        assertThat(answer).isEqualTo("Basil likes warm soil [2]. Water basil in the morning [2].");
    }

    @Test
    void passagesAndQuestionInOneUserMessageUseTheQuestionLine() {
        String answer = GroundedAnswerer.answer(prompt("user", SOURCES + "\nQuestion: Do tomatoes need sun?"));

        assertThat(answer).isEqualTo("Tomatoes grow best in full sun [1].");
    }

    @Test
    void ragdsOwnPromptIsAnsweredFromThePassagesInsideItsSourcesBlockOnly() {
        GenerationRequest request = new GenerationRequest("Which soil does basil like?",
                List.of(Message.user("Tell me about herbs"), Message.assistant("Basil and thyme are herbs.")),
                List.of(new Passage("t", "t#0", "Tomatoes", "Tomatoes grow best in full sun.", null, 1),
                        new Passage("b", "b#0", "Basil soil", "Basil likes warm soil. Water basil in the morning.", null, 1)));
        JsonArray messages = new JsonArray();
        for (Message m : Prompts.load().messages(request)) {
            messages.add(new JsonObject().put("role", m.role().name().toLowerCase(java.util.Locale.ROOT))
                    .put("content", m.content()));
        }

        Prompt prompt = Prompt.from(messages);

        assertThat(GroundedAnswerer.question(prompt)).isEqualTo("Which soil does basil like?");
        assertThat(GroundedAnswerer.answer(prompt)).isEqualTo("Basil likes warm soil [2]. Water basil in the morning [2].");
    }

    @Test
    void aQuestionNoPassageSharesWordsWithGetsADeterministicSentence() {
        String answer = GroundedAnswerer.answer(prompt("system", SOURCES, "user", "Who won the chess final?"));

        assertThat(answer).isEqualTo("The provided sources say nothing about won chess final.");
    }

    @Test
    void unnumberedContextIsUsedWithoutCitations() {
        String answer = GroundedAnswerer.answer(prompt("system", "Opening hours are nine to five. Parking is free.",
                "user", "What are the opening hours?"));

        assertThat(answer).isEqualTo("Opening hours are nine to five.");
    }

    @Test
    void partsArrayContentIsRead() {
        JsonArray messages = new JsonArray().add(new JsonObject().put("role", "user").put("content",
                new JsonArray().add(new JsonObject().put("type", "text").put("text", SOURCES + "\nQuestion: sun for tomatoes?"))));

        assertThat(GroundedAnswerer.answer(Prompt.from(messages))).contains("[1]");
    }

    @Test
    void aQueryRewritingPromptGetsShortQueryLines() {
        String answer = GroundedAnswerer.answer(prompt(
                "system", "Rewrite the last question as 1-3 standalone search queries, one per line.",
                "user", "How do I prune tomato side shoots in a greenhouse?"));

        assertThat(answer.lines().toList()).containsExactly(
                "prune tomato side shoots greenhouse", "prune tomato", "side shoots greenhouse");
    }

    @Test
    void aFollowUpQueryBorrowsTheTopicOfThePreviousUserTurn() {
        String answer = GroundedAnswerer.answer(prompt(
                "system", "Write search queries, one per line.",
                "user", "Tell me about basil",
                "assistant", "Basil likes warm soil.",
                "user", "how often to water it?"));

        assertThat(answer.lines().toList()).hasSize(1);
        assertThat(answer).contains("water", "basil");
    }

    @Test
    void theWordQueriesInAUserMessageDoesNotSwitchToQueryMode() {
        String answer = GroundedAnswerer.answer(prompt("system", SOURCES, "user", "Any queries about basil soil?"));

        assertThat(answer).contains("[2]");
    }

    @Test
    void tokensPadByRepeatingTheAnswerOrCutIt() {
        assertThat(Tokens.split("Basil likes warm soil [2].")).containsExactly("Basil", " likes", " warm", " soil", " [2].");
        assertThat(String.join("", Tokens.ofLength("one two", 5))).isEqualTo("one two one two one");
        assertThat(Tokens.ofLength("one two three", 2)).containsExactly("one", " two");
        assertThat(Tokens.ofLength("one two three", 0)).hasSize(3);
    }
}
