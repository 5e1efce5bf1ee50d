package dev.ragd.chatlog;

import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;

/**
 * Durable store of chat-log records.
 *
 * <p>Contract: blocking and thread-safe; callers run it off the event loop. {@link #upsert} is
 * keyed by {@link ChatRecord#id()}: writing the same id again replaces the record, never duplicates
 * it, and when it returns normally the record is durable. {@link #recent} returns the newest records
 * first (by timestamp, then id).
 */
public interface ChatLog extends AutoCloseable {

    void upsert(ChatRecord record);

    List<ChatRecord> recent(int limit);

    /**
     * One page of records strictly older than the position ({@code timestamp}, {@code id}) in the
     * same newest-first order as {@link #recent}: a record comes after the position when its
     * timestamp is earlier, or equal with a smaller id. Pass the last record of the previous page
     * to get the next one; an empty list means there are no more. Records written while paging may
     * or may not appear, but no record present for the whole walk is skipped or repeated.
     *
     * <p>Durable backends must override this with an indexed query; the default reads every
     * record through {@link #recent} and is only fit for small in-memory logs (test doubles).
     *
     * @param limit at most this many records, {@code >= 0}
     */
    default List<ChatRecord> olderThan(Instant timestamp, String id, int limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("limit must be >= 0, got " + limit);
        }
        return recent(Integer.MAX_VALUE).stream()
                .filter(r -> r.timestamp().isBefore(timestamp)
                        || r.timestamp().equals(timestamp) && r.id().compareTo(id) < 0)
                .limit(limit)
                .toList();
    }

    /**
     * Hands every record to {@code sink}, newest first, page by page (memory stays bounded however
     * large the log is). Runs on the calling thread; an exception from the sink stops the walk.
     */
    default void forEachRecord(Consumer<? super ChatRecord> sink) {
        int pageSize = 500;
        List<ChatRecord> page = recent(pageSize);
        while (!page.isEmpty()) {
            page.forEach(sink);
            if (page.size() < pageSize) {
                return;
            }
            ChatRecord last = page.getLast();
            page = olderThan(last.timestamp(), last.id(), pageSize);
        }
    }

    /** A short name for logs, e.g. {@code file:/data/chatlog}. */
    String describe();

    @Override
    default void close() {}
}
