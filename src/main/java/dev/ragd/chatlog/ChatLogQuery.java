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
 */
public record ChatLogQuery(String user, Instant since, Status status, int limit, Cursor after, Rating feedback) {

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

    /** A query without a feedback filter. */
    public ChatLogQuery(String user, Instant since, Status status, int limit, Cursor after) {
        this(user, since, status, limit, after, null);
    }

    /** Every record, newest first, {@code limit} at a time. */
    public static ChatLogQuery all(int limit) {
        return new ChatLogQuery(null, null, null, limit, null);
    }

    public ChatLogQuery withUser(String newUser) {
        return new ChatLogQuery(newUser, since, status, limit, after, feedback);
    }

    public ChatLogQuery withSince(Instant newSince) {
        return new ChatLogQuery(user, newSince, status, limit, after, feedback);
    }

    public ChatLogQuery withStatus(Status newStatus) {
        return new ChatLogQuery(user, since, newStatus, limit, after, feedback);
    }

    public ChatLogQuery withLimit(int newLimit) {
        return new ChatLogQuery(user, since, status, newLimit, after, feedback);
    }

    public ChatLogQuery withFeedback(Rating newFeedback) {
        return new ChatLogQuery(user, since, status, limit, after, newFeedback);
    }

    /** The next page: the same filters, continuing after {@code last}. */
    public ChatLogQuery after(ChatRecord last) {
        return new ChatLogQuery(user, since, status, limit, Cursor.of(last), feedback);
    }

    /** True when {@code r} passes every filter and lies after the cursor (for in-memory logs). */
    public boolean matches(ChatRecord r) {
        return (user == null || user.equals(r.userEmail()))
                && (since == null || !r.timestamp().isBefore(since))
                && (status == null || status == r.status())
                && (feedback == null || r.feedback() != null && feedback == r.feedback().rating())
                && (after == null || r.timestamp().isBefore(after.timestamp())
                        || r.timestamp().equals(after.timestamp()) && r.id().compareTo(after.id()) < 0);
    }
}
