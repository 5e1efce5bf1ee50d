package dev.ragd.retrieval;

import java.util.List;

/**
 * Finds the passages most relevant to a search query.
 *
 * <p>Contract: blocking and thread-safe; callers run it on a worker or virtual thread, never on an
 * event loop. Returns at most {@code topK} passages, best first, with distinct chunk ids; an empty
 * list when nothing matches. A blank query returns an empty list.
 */
public interface Retriever extends AutoCloseable {

    List<Passage> retrieve(String query, int topK);

    /**
     * As {@link #retrieve}, plus the similarity of the nearest chunk to the query, which the chat
     * pipeline compares with {@code RAGD_MIN_RELEVANCE}. Retrievers that cannot measure it keep
     * this default (similarity {@code NaN}: never judged irrelevant).
     */
    default Retrieved search(String query, int topK) {
        return Retrieved.unmeasured(retrieve(query, topK));
    }

    /**
     * As {@link #search(String, int)}, narrowed to passages whose metadata matches {@code filter}.
     * Backends that cannot filter keep this default, which refuses any filter (the pipeline only
     * lets through fields configured for a backend that can).
     */
    default Retrieved search(String query, int topK, SearchFilter filter) {
        if (!filter.isEmpty()) {
            throw new IllegalArgumentException(name() + " cannot filter by " + filter.anyOf().keySet());
        }
        return search(query, topK);
    }

    /**
     * True when a search waits on the network (a search service, which may also make it wait out
     * throttling): the pipeline then runs it on a virtual thread instead of the shared worker pool.
     */
    default boolean remote() {
        return false;
    }

    /** A short name for logs and chat-log records, e.g. {@code lucene-hybrid}. */
    String name();

    @Override
    default void close() {}
}
