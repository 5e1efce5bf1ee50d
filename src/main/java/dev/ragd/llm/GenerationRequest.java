package dev.ragd.llm;

import dev.ragd.retrieval.Passage;
import java.util.List;

/**
 * What a generator answers from.
 *
 * @param question the user's current question
 * @param history  earlier turns, oldest first, not including the question
 * @param passages retrieved passages; citation {@code [n]} refers to {@code passages.get(n - 1)}
 */
public record GenerationRequest(String question, List<Message> history, List<Passage> passages) {
    public GenerationRequest {
        history = List.copyOf(history);
        passages = List.copyOf(passages);
    }
}
