package dev.ragd.observe;

import java.util.List;

/**
 * Hears every request of a replica: the pipeline calls {@link #admitted} for each request it
 * starts (the returned {@link RunObserver} hears the rest of that request) and {@link #rejected}
 * for each it refuses; the model client calls {@link #breakerChanged}, a search service's retriever
 * {@link #searchThrottled} and {@link #searchUnavailable}, the feedback route {@link #feedbackKept}. Implementations are shared
 * by all event loops (thread-safe), must not block and must not throw; compose several with
 * {@link #compose}.
 */
public interface ChatObserver {

    ChatObserver NONE = new ChatObserver() {};

    /** A request is admitted. Called on the request's context. */
    default RunObserver admitted(RequestInfo request) {
        return RunObserver.NONE;
    }

    /**
     * A request was refused before it started (no record, no log id).
     *
     * @param code   the error code the client got ({@code busy}, {@code question_too_long}…)
     * @param detail a short operational detail (counts, limits), never user content; may be empty
     */
    default void rejected(RequestInfo request, String code, String detail) {}

    /** An upstream's circuit breaker changed state: {@code closed}, {@code open} or {@code half_open}. */
    default void breakerChanged(String upstream, String state) {}

    /**
     * A search service refused a search for now ({@code status} 429 or 503, or 0 when it could not
     * be reached) and the search is tried again after {@code delayMs}. Called on the searching thread.
     * Many of these mean the service's tier is too small for the load.
     */
    default void searchThrottled(String service, int status, long delayMs) {}

    /** A search failed for good: the service kept refusing for the whole search budget. */
    default void searchUnavailable(String service, int status) {}

    /**
     * A user's rating of an answer was kept ({@code up} or {@code down}), from {@code protocol}
     * ({@code http}, {@code ws}). Called on the chat-log thread that stored it.
     */
    default void feedbackKept(String protocol, String rating) {}

    /**
     * All of {@code observers}, called in order. The first one that reports a trace id for a
     * request (the tracer, placed first) makes it known to those after it.
     */
    static ChatObserver compose(List<ChatObserver> observers) {
        List<ChatObserver> all = List.copyOf(observers);
        return all.size() == 1 ? all.getFirst() : new CompositeObserver(all);
    }
}
