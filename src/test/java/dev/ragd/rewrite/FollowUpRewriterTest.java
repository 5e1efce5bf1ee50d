package dev.ragd.rewrite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ragd.config.Env;
import dev.ragd.config.LlmConfig;
import dev.ragd.llm.Message;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FollowUpRewriterTest {

    private final FollowUpRewriter rewriter = new FollowUpRewriter();
    private final List<Message> history = List.of(
            Message.user("What is the warranty of the Cinder Kettle?"),
            Message.assistant("Cinder Kettle — Warranty: 5 years [1]"));

    @Test
    void followUpIsSearchedTogetherWithThePreviousQuestion() {
        assertThat(rewriter.rewrite("And how much does it cost?", history))
                .containsExactly("What is the warranty of the Cinder Kettle? And how much does it cost?");
    }

    @Test
    void standaloneQuestionIsSearchedAsAsked() {
        assertThat(rewriter.rewrite("Do you ship to Canada?", history)).containsExactly("Do you ship to Canada?");
    }

    @Test
    void followUpWithoutHistoryIsSearchedAsAsked() {
        assertThat(rewriter.rewrite("And the price?", List.of())).containsExactly("And the price?");
    }

    @Test
    void extractiveAnswererGetsTheFollowUpRewriterUnlessRewritingIsOff() {
        assertThat(QueryRewriters.create(LlmConfig.from(new Env(Map.of())))).isInstanceOf(FollowUpRewriter.class);
        assertThat(QueryRewriters.create(LlmConfig.from(new Env(Map.of("RAGD_QUERY_REWRITE", "false")))))
                .isInstanceOf(NoRewrite.class);
    }
}
