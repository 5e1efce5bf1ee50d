package dev.ragd.chatlog;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A decorator base: forwards the reading, pruning, naming and closing methods to the wrapped
 * store. Writing ({@link #upsert}) is the subclass's own; {@link #write} is not forwarded, so it
 * goes through the subclass's {@code upsert} unless the subclass overrides it too.
 */
abstract class ForwardingChatLog implements ChatLog {

    protected final ChatLog delegate;

    ForwardingChatLog(ChatLog delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    @Override
    public Optional<ChatRecord> getFor(String id, String user) {
        return delegate.getFor(id, user);
    }

    @Override
    public boolean keepsRecords() {
        return delegate.keepsRecords();
    }

    @Override
    public List<ChatRecord> recent(int limit) {
        return delegate.recent(limit);
    }

    @Override
    public Optional<ChatRecord> get(String id) {
        return delegate.get(id);
    }

    @Override
    public List<ChatRecord> olderThan(Instant timestamp, String id, int limit) {
        return delegate.olderThan(timestamp, id, limit);
    }

    @Override
    public void forEachRecord(Consumer<? super ChatRecord> sink) {
        delegate.forEachRecord(sink);
    }

    @Override
    public List<ChatRecord> find(ChatLogQuery query) {
        return delegate.find(query);
    }

    @Override
    public long forEachMatching(ChatLogQuery query, Consumer<? super ChatRecord> sink) {
        return delegate.forEachMatching(query, sink);
    }

    @Override
    public long deleteConversation(String conversationId, String user) {
        return delegate.deleteConversation(conversationId, user);
    }

    @Override
    public long delete(Instant olderThan) {
        return delegate.delete(olderThan);
    }

    @Override
    public String describe() {
        return delegate.describe();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
