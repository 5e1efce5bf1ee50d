package dev.ragd.rewrite;

import dev.ragd.llm.Message;
import java.util.List;

/**
 * Turns the new question, read in the light of the conversation so far, into the search queries
 * the retriever runs.
 *
 * <p>Contract: blocking (callers run it on a worker or virtual thread, never on an event loop)
 * unless {@link #blocking()} says otherwise, and thread-safe. Never throws and never returns an empty list: on any failure it returns
 * {@code List.of(question)}. Queries are distinct, non-blank, and at most the configured maximum.
 */
public interface QueryRewriter {

    /**
     * @param question the user's current question (already stripped of any prefix)
     * @param history  earlier turns, oldest first, not including the question
     * @return one to {@code maxQueries} standalone search queries
     */
    List<String> rewrite(String question, List<Message> history);

    /**
     * False when {@link #rewrite} is a quick computation with no I/O (microseconds), which the
     * caller may run on the event loop instead of handing it to another thread.
     */
    default boolean blocking() {
        return true;
    }

    /** A short name for logs, e.g. {@code none} or {@code llm:gpt-4o-mini}. */
    String name();
}
