package dev.ragd.chatlog;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** {@code RAGD_CHATLOG=none}: accepts every record and keeps none; reads are always empty. */
public final class NoChatLog implements ChatLog {

    /** Why a conversation cannot be continued, listed or deleted here. */
    public static final String NO_CONVERSATIONS = "RAGD_CHATLOG=none keeps no records, so it keeps no conversations"
            + " (send the history with each question instead)";

    @Override
    public void upsert(ChatRecord record) {
        Objects.requireNonNull(record, "record");
    }

    @Override
    public List<ChatRecord> recent(int limit) {
        ChatLogs.checkLimit(limit);
        return List.of();
    }

    @Override
    public List<ChatRecord> olderThan(Instant timestamp, String id, int limit) {
        ChatLogs.checkLimit(limit);
        return List.of();
    }

    @Override
    public List<ChatRecord> find(ChatLogQuery query) {
        return List.of();
    }

    @Override
    public boolean keepsRecords() {
        return false;
    }

    @Override
    public long deleteConversation(String conversationId, String user) {
        throw new UnsupportedOperationException(NO_CONVERSATIONS);
    }

    /** Keeps no record to put a rating on: say so rather than pretend the rating was kept. */
    @Override
    public Optional<ChatRecord> rate(String id, String user, Feedback feedback) {
        throw new UnsupportedOperationException("RAGD_CHATLOG=none keeps no records, so it cannot keep feedback");
    }

    @Override
    public long delete(Instant olderThan) {
        return 0;
    }

    @Override
    public String describe() {
        return "none";
    }
}
