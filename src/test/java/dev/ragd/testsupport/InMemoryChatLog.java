package dev.ragd.testsupport;

import dev.ragd.chatlog.ChatLog;
import dev.ragd.chatlog.ChatRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * Test chat log in memory. Every write is appended to {@link #journal} (shared with test sinks to
 * check ordering); writes can be slowed down or made to fail.
 */
public final class InMemoryChatLog implements ChatLog {

    private final Map<String, ChatRecord> records = new ConcurrentHashMap<>();
    public final List<String> journal;
    private volatile long writeDelayMs;
    private volatile RuntimeException failure;
    private final java.util.concurrent.atomic.AtomicReference<RuntimeException> admissionFailure =
            new java.util.concurrent.atomic.AtomicReference<>();

    public InMemoryChatLog() {
        this(Collections.synchronizedList(new ArrayList<>()));
    }

    public InMemoryChatLog(List<String> journal) {
        this.journal = journal;
    }

    public InMemoryChatLog slow(long delayMs) {
        this.writeDelayMs = delayMs;
        return this;
    }

    public InMemoryChatLog failing(RuntimeException e) {
        this.failure = e;
        return this;
    }

    /** Makes the next {@link #acceptingNewQuestions()} throw {@code e} (a store with a bug), once. */
    public InMemoryChatLog throwingOnNextAdmission(RuntimeException e) {
        admissionFailure.set(e);
        return this;
    }

    @Override
    public boolean acceptingNewQuestions() {
        RuntimeException e = admissionFailure.getAndSet(null);
        if (e != null) {
            throw e;
        }
        return true;
    }

    @Override
    public void upsert(ChatRecord record) {
        if (writeDelayMs > 0) {
            try {
                Thread.sleep(writeDelayMs);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (failure != null) {
            throw failure;
        }
        records.put(record.id(), record);
        journal.add("upsert:" + record.status());
    }

    @Override
    public List<ChatRecord> recent(int limit) {
        return records.values().stream()
                .sorted(Comparator.comparing(ChatRecord::timestamp).thenComparing(ChatRecord::id).reversed())
                .limit(limit).toList();
    }

    /**
     * The record whose log id or client request id is {@code id}, or null; fails when several
     * records share that request id (look them up by log id then).
     */
    /** The {@link ChatLog} lookup: by log id only (tests use {@link #record} to look up by request id too). */
    @Override
    public java.util.Optional<ChatRecord> get(String id) {
        return java.util.Optional.ofNullable(records.get(id));
    }

    public ChatRecord record(String id) {
        ChatRecord byKey = records.get(id);
        if (byKey != null) {
            return byKey;
        }
        List<ChatRecord> matching = records.values().stream().filter(r -> id.equals(r.requestId())).toList();
        if (matching.size() > 1) {
            throw new AssertionError(matching.size() + " records have request id " + id + ": " + matching);
        }
        return matching.isEmpty() ? null : matching.getFirst();
    }

    /** The record whose (server-generated) id is {@code logId}, or null. */
    public ChatRecord byLogId(String logId) {
        return records.get(logId);
    }

    public int size() {
        return records.size();
    }

    /** Waits up to {@code timeout} for the record {@link #get}{@code (id)} to match, then returns it (or fails). */
    public ChatRecord await(String id, Predicate<ChatRecord> condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            ChatRecord r = record(id);
            if (r != null && condition.test(r)) {
                return r;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("no matching chat-log record " + id + " within " + timeout + "; have " + get(id));
    }

    @Override
    public String describe() {
        return "memory";
    }

    @Override
    public long deleteConversation(String conversationId, String user) {
        long before = records.size();
        records.values().removeIf(r -> conversationId.equals(r.conversationId()) && (user == null || user.equals(r.userEmail())));
        return before - records.size();
    }
}
