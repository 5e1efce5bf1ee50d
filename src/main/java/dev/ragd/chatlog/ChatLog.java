package dev.ragd.chatlog;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Durable store of chat-log records.
 *
 * <p>Contract: blocking and thread-safe; callers run it off the event loop. {@link #upsert} is
 * keyed by {@link ChatRecord#id()}: writing the same id again replaces the record, never duplicates
 * it, and when it returns normally the record is durable. {@link #recent} returns the newest records
 * first (by timestamp, then id). {@link #find} filters and pages with an index; {@link #delete}
 * prunes old records; {@link #get} reads one by id and {@link #rate} puts feedback on it. Stores may keep timestamps at a coarser resolution than nanoseconds (PostgreSQL:
 * microseconds) for ordering and filtering; the record itself always comes back exactly as written.
 */
public interface ChatLog extends AutoCloseable {

    void upsert(ChatRecord record);

    /**
     * Writes a record and says how: {@link WriteOutcome#STORED} when it is durable in the store,
     * {@link WriteOutcome#QUEUED} when a retry queue holds it for a store that is down,
     * {@link WriteOutcome#REJECTED} when it could not be kept at all. Plain stores upsert and say
     * STORED (a failure throws).
     */
    default WriteOutcome write(ChatRecord record) {
        upsert(record);
        return WriteOutcome.STORED;
    }

    /**
     * False for a log that keeps nothing ({@code RAGD_CHATLOG=none}): there are then no
     * conversations, ratings or resumes from the log to offer.
     */
    default boolean keepsRecords() {
        return true;
    }

    /** False when the log cannot keep another record (a full retry queue): refuse new questions. */
    default boolean acceptingNewQuestions() {
        return true;
    }

    List<ChatRecord> recent(int limit);

    /**
     * The record with this id, or empty when there is none. Durable backends override this with a
     * key lookup; the default scans {@link #recent} and is only fit for small in-memory logs.
     */
    default Optional<ChatRecord> get(String id) {
        Objects.requireNonNull(id, "id");
        return recent(Integer.MAX_VALUE).stream().filter(r -> r.id().equals(id)).findFirst();
    }

    /**
     * The record with this id when {@code user} may see it: any record for a {@code null} user, else
     * only one whose {@code user_email} is that user (transformed as {@link #rate} says). Other
     * users' records are not told apart from missing ones.
     */
    default Optional<ChatRecord> getFor(String id, String user) {
        return get(id).filter(r -> user == null || user.equals(r.userEmail()));
    }

    /**
     * Puts {@code feedback} on the record with this id in place of any earlier feedback (the last
     * rating wins) and keeps the rest of the record as it is; durable when it returns. With a
     * non-null {@code user}, only a record whose {@code user_email} is that user is rated (the same
     * value the pipeline stored: a decorator that stores it transformed, such as a hash, transforms
     * {@code user} alike). Returns the rated record, or empty when there is no such record or it is
     * another user's (the two are not told apart, so ids of other users' answers cannot be probed).
     *
     * @throws UnsupportedOperationException when the store keeps no records
     */
    default Optional<ChatRecord> rate(String id, String user, Feedback feedback) {
        Objects.requireNonNull(feedback, "feedback");
        Optional<ChatRecord> rated = get(id).filter(r -> user == null || user.equals(r.userEmail()))
                .map(r -> r.withFeedback(feedback));
        rated.ifPresent(this::upsert);
        return rated;
    }

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

    /**
     * Records matching {@code query}, newest first, at most {@code query.limit()}. Walk every match
     * with {@code find(q)}, then {@code find(q.after(lastOfPage))} until a page is shorter than the limit
     * (or use {@link #forEachMatching}); the same guarantees as {@link #olderThan} hold.
     *
     * <p>Durable backends override this with an indexed query; the default filters {@link #recent}
     * in memory and is only fit for small in-memory logs (test doubles).
     */
    default List<ChatRecord> find(ChatLogQuery query) {
        return recent(Integer.MAX_VALUE).stream().filter(query::matches).limit(query.limit()).toList();
    }

    /**
     * Hands every record matching {@code query}'s filters to {@code sink}, newest first, in pages of
     * {@code query.limit()} (which must be {@code > 0}); returns how many it handed over.
     */
    default long forEachMatching(ChatLogQuery query, Consumer<? super ChatRecord> sink) {
        if (query.limit() <= 0) {
            throw new IllegalArgumentException("page limit must be > 0, got " + query.limit());
        }
        long count = 0;
        List<ChatRecord> page = find(query);
        while (!page.isEmpty()) {
            page.forEach(sink);
            count += page.size();
            if (page.size() < query.limit()) {
                break;
            }
            page = find(query.after(page.getLast()));
        }
        return count;
    }

    /**
     * Deletes every record whose timestamp is strictly before {@code olderThan}; returns how many it
     * deleted. Durable backends implement it; the default refuses.
     *
     * @throws UnsupportedOperationException when the store cannot delete
     */
    default long delete(Instant olderThan) {
        throw new UnsupportedOperationException(describe() + " cannot delete records");
    }

    /**
     * Deletes the turns of conversation {@code conversationId}: with a non-null {@code user}, only
     * those whose {@code user_email} is that user (transformed as {@link #rate} says), so that one
     * user cannot delete another's. Returns how many records were deleted; durable when it returns.
     *
     * @throws UnsupportedOperationException when the store cannot delete single records
     */
    default long deleteConversation(String conversationId, String user) {
        throw new UnsupportedOperationException(describe() + " cannot delete conversations");
    }

    /** A short name for logs, e.g. {@code file:/data/chatlog}. */
    String describe();

    @Override
    default void close() {}
}
