package dev.ragd.llm;

import dev.ragd.observe.ModelCalls;
import dev.ragd.retrieval.Passage;
import java.util.List;
import java.util.Objects;

/**
 * What a generator answers from.
 *
 * @param question the user's current question
 * @param history  earlier turns, oldest first, not including the question
 * @param passages retrieved passages; citation {@code [n]} refers to {@code passages.get(n - 1)}
 * @param calls    where a generator that calls a model reports each call (retries, rate-limit
 *                 headroom, first chunk, usage) and gets the headers that join it to the trace
 */
public record GenerationRequest(String question, List<Message> history, List<Passage> passages, ModelCalls calls) {
    public GenerationRequest {
        history = List.copyOf(history);
        passages = List.copyOf(passages);
        Objects.requireNonNull(calls, "calls");
    }

    /** A request whose model calls nobody observes. */
    public GenerationRequest(String question, List<Message> history, List<Passage> passages) {
        this(question, history, passages, ModelCalls.NONE);
    }
}
