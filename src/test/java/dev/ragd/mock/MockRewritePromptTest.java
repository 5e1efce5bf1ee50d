package dev.ragd.mock;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** The simulator understands ragd's own rewrite prompt: history quoted in one user message, then {@code New question:}. */
class MockRewritePromptTest {

    @Test
    void aFollowUpInRagdsRewritePromptBorrowsTheTopicOfTheQuotedUserTurn() {
        JsonArray messages = new JsonArray()
                .add(new JsonObject().put("role", "system").put("content",
                        "Rewrite the user's latest question into at most 3 standalone search queries, one per line."))
                .add(new JsonObject().put("role", "user").put("content", """
                        Chat history:
                        User: What is the warranty of the Cinder Kettle?
                        Assistant: The Cinder Kettle has a 5 years warranty [1].

                        New question: And how much does it cost?"""));

        String queries = GroundedAnswerer.answer(Prompt.from(messages));

        assertThat(queries.lines().toList()).first().asString().contains("cost").contains("cinder kettle")
                .doesNotContain("history", "assistant");
    }
}
