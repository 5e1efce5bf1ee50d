package dev.ragd.chatlog;

import java.util.List;

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

    /** A short name for logs, e.g. {@code file:/data/chatlog}. */
    String describe();

    @Override
    default void close() {}
}
