package dev.ragd.chatlog;

import dev.ragd.chatlog.ChatRecord.Status;
import dev.ragd.chatlog.Feedback.Rating;
import java.time.Instant;
import java.util.Objects;

/**
 * Which records {@link ChatLog#find} returns: every non-null filter must match, newest first (by
 * timestamp, then id), at most {@code limit} of them, starting strictly after {@code after} when set.
 *
 * @param user only records whose {@code user_email} equals this (exact match; null = any user)
 * @param since only records with a timestamp at or after this (null = no lower bound)
 * @param status only records with this status (null = any)
 * @param limit at most this many records, {@code >= 0}
 * @param after the position to continue from (the last record of the previous page), or null for the first page
 * @param feedback only records whose latest feedback has this rating (null = any, rated or not)
 * @param conversation only the turns of this conversation ({@code conversation_id}; null = any)
 * @param openers only the first turn of each conversation (the record whose id is its {@code conversation_id}):
 *                one record per conversation, as a list of conversations shows them
 */
public record ChatLogQuery(String user, Instant since, Status status, int limit, Cursor after, Rating feedback,
        String conversation, boolean openers) {

    /** A paging position: records after it are older, or as old with a smaller id. */
    public record Cursor(Instant timestamp, String id) {
        public Cursor {
            Objects.requireNonNull(timestamp, "timestamp");
            Objects.requireNonNull(id, "id");
        }

        public static Cursor of(ChatRecord record) {
            return new Cursor(record.timestamp(), record.id());
        }
    }

    public ChatLogQuery {
        ChatLogs.checkLimit(limit);
    }

    /** A query without a feedback or conversation filter. */
    public ChatLogQuery(String user, Instant since, Status status, int limit, Cursor after) {
        this(user, since, status, limit, after, null, null, false);
    }

    /** A query without a conversation filter. */
    public ChatLogQuery(String user, Instant since, Status status, int limit, Cursor after, Rating feedback) {
        this(user, since, status, limit, after, feedback, null, false);
    }

    public ChatLogQuery withConversation(String newConversation) {
        return new ChatLogQuery(user, since, status, limit, after, feedback, newConversation, openers);
    }

    /** This query, for the first turns of conversations only (see {@code openers}). */
    public ChatLogQuery openersOnly() {
        return new ChatLogQuery(user, since, status, limit, after, feedback, conversation, true);
    }

    /** Every record, newest first, {@code limit} at a time. */
    public static ChatLogQuery all(int limit) {
        return new ChatLogQuery(null, null, null, limit, null);
    }

    public ChatLogQuery withUser(String newUser) {
        return new ChatLogQuery(newUser, since, status, limit, after, feedback, conversation, openers);
    }

    public ChatLogQuery withSince(Instant newSince) {
        return new ChatLogQuery(user, newSince, status, limit, after, feedback, conversation, openers);
    }

    public ChatLogQuery withStatus(Status newStatus) {
        return new ChatLogQuery(user, since, newStatus, limit, after, feedback, conversation, openers);
    }

    public ChatLogQuery withLimit(int newLimit) {
        return new ChatLogQuery(user, since, status, newLimit, after, feedback, conversation, openers);
    }

    public ChatLogQuery withFeedback(Rating newFeedback) {
        return new ChatLogQuery(user, since, status, limit, after, newFeedback, conversation, openers);
    }

    /** The next page: the same filters, continuing after {@code last}. */
    public ChatLogQuery after(ChatRecord last) {
        return new ChatLogQuery(user, since, status, limit, Cursor.of(last), feedback, conversation, openers);
    }

    /** True when {@code r} passes every filter and lies after the cursor (for in-memory logs). */
    public boolean matches(ChatRecord r) {
        return (user == null || user.equals(r.userEmail()))
                && (since == null || !r.timestamp().isBefore(since))
                && (status == null || status == r.status())
                && (feedback == null || r.feedback() != null && feedback == r.feedback().rating())
                && (conversation == null || conversation.equals(r.conversationId()))
                && (!openers || r.id().equals(r.conversationId()))
                && (after == null || r.timestamp().isBefore(after.timestamp())
                        || r.timestamp().equals(after.timestamp()) && r.id().compareTo(after.id()) < 0);
    }
}
