package dev.ragd.rewrite;

import dev.ragd.llm.FollowUps;
import dev.ragd.llm.Message;
import java.util.List;

/**
 * The offline rewriter (no model to ask): a follow-up such as "And how much is it?" is searched
 * together with the previous question, so the search finds the thing the user is still talking
 * about; any other question is searched as asked.
 */
public final class FollowUpRewriter implements QueryRewriter {

    @Override
    public List<String> rewrite(String question, List<Message> history) {
        if (!FollowUps.isFollowUp(question)) {
            return List.of(question);
        }
        return FollowUps.previousQuestion(history).map(previous -> List.of(previous + " " + question))
                .orElse(List.of(question));
    }

    @Override
    public boolean blocking() {
        return false;
    }

    @Override
    public String name() {
        return "follow-up";
    }
}
