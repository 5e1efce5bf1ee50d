package dev.ragd.chatlog;

import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link ChatLog} that survives an outage of the store it wraps (file, PostgreSQL, Cosmos).
 *
 * <p>{@link #write} tries the store directly; when that fails the record goes into a bounded
 * in-memory queue and a background flusher thread retries the queued records in order, with
 * exponential backoff and jitter (so a store that is down is not hammered), until the store takes
 * them. Records are upserts keyed by id, so a retry after a write that half succeeded never
 * duplicates, and a record rewritten while queued replaces the queued copy in place. While anything
 * is queued, new records join the queue instead of trying the store first: the order is kept and a
 * request does not pay the store's timeout while the store is known to be down.
 *
 * <p>When the queue is full, {@link #write} returns {@link WriteOutcome#REJECTED}; the caller must
 * then refuse new questions (see {@link #acceptingNewQuestions()}) rather than answer without a log.
 * From {@code readyThreshold} queued records on, {@link #healthy()} is false, so readiness turns red
 * and the load balancer sends new users elsewhere while in-flight answers finish.
 *
 * <p>Reads ({@link #recent}, {@link #olderThan}) go to the store and do not see queued records;
 * {@link #get}, {@link #getFor}, {@link #find} and {@link #rate} see them too.
 * Thread-safe; {@link #write} blocks (call it off the event loop).
 */
public final class QueuedChatLog extends ForwardingChatLog {

    private static final Logger log = LoggerFactory.getLogger(QueuedChatLog.class);

    public static final Duration DEFAULT_BASE_BACKOFF = Duration.ofMillis(100);
    public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(2);
    private static final Duration CLOSE_JOIN = Duration.ofSeconds(15);

    /** Counts since start, for metrics; {@code pending} is the current queue size. */
    public record Counters(long writtenDirectly, long queued, long flushedLater, long rejected, int pending) {}

    /** Thrown by {@link #upsert} when the store failed and the queue is full. */
    public static final class QueueFullException extends RuntimeException {
        QueueFullException(String message) {
            super(message);
        }
    }

    private final int capacity;
    private final int readyThreshold;
    private final long baseBackoffNanos;
    private final long maxBackoffNanos;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final LinkedHashMap<String, ChatRecord> pending = new LinkedHashMap<>();
    /** The record the flusher is writing now (taken from the queue outside the lock), or null. */
    private ChatRecord flushing;
    private final AtomicLong writtenDirectly = new AtomicLong();
    private final AtomicLong queuedTotal = new AtomicLong();
    private final AtomicLong flushedLater = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final Thread flusher;
    private boolean closed;
    private boolean retryNow;

    public QueuedChatLog(ChatLog store, int capacity, int readyThreshold) {
        this(store, capacity, readyThreshold, DEFAULT_BASE_BACKOFF, DEFAULT_MAX_BACKOFF);
    }

    /**
     * @param capacity       most records held in memory, {@code >= 1}
     * @param readyThreshold from this many queued records on {@link #healthy()} is false, 1..capacity
     * @param baseBackoff    the first retry delay after a failed flush; doubles per failure
     * @param maxBackoff     the longest retry delay (before jitter halves it at most)
     */
    public QueuedChatLog(ChatLog store, int capacity, int readyThreshold, Duration baseBackoff, Duration maxBackoff) {
        super(store);
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, was " + capacity);
        }
        if (readyThreshold < 1 || readyThreshold > capacity) {
            throw new IllegalArgumentException("readyThreshold must be from 1 to " + capacity + ", was " + readyThreshold);
        }
        if (baseBackoff.isNegative() || baseBackoff.isZero() || maxBackoff.compareTo(baseBackoff) < 0) {
            throw new IllegalArgumentException("need 0 < baseBackoff <= maxBackoff, got " + baseBackoff + ", " + maxBackoff);
        }
        this.capacity = capacity;
        this.readyThreshold = readyThreshold;
        this.baseBackoffNanos = baseBackoff.toNanos();
        this.maxBackoffNanos = maxBackoff.toNanos();
        this.flusher = Thread.ofPlatform().daemon().name("ragd-chatlog-flusher").start(this::flushLoop);
    }

    /**
     * Makes the record durable now ({@link WriteOutcome#STORED}), or keeps it for a later retry
     * ({@link WriteOutcome#QUEUED}), or, when the store failed and the queue is full, drops it
     * ({@link WriteOutcome#REJECTED}). Blocks for at most the store's own timeout.
     *
     * @throws IllegalStateException after {@link #close()}
     */
    @Override
    public WriteOutcome write(ChatRecord record) {
        Objects.requireNonNull(record, "record");
        boolean tryStore;
        lock.lock();
        try {
            if (closed) {
                throw new IllegalStateException("the chat log is closed");
            }
            if (pending.containsKey(record.id())) {
                pending.put(record.id(), record);
                changed.signalAll();
                return WriteOutcome.QUEUED;
            }
            tryStore = pending.isEmpty();
        } finally {
            lock.unlock();
        }
        if (tryStore) {
            try {
                delegate.upsert(record);
                writtenDirectly.incrementAndGet();
                return WriteOutcome.STORED;
            } catch (RuntimeException e) {
                log.atWarn().addKeyValue("log_id", record.id()).addKeyValue("store", delegate.describe())
                        .addKeyValue("error", e.toString()).log("chat-log store write failed; queueing the record for retry");
            }
        }
        return enqueue(record);
    }

    private WriteOutcome enqueue(ChatRecord record) {
        lock.lock();
        try {
            if (pending.containsKey(record.id()) || pending.size() < capacity) {
                boolean added = pending.put(record.id(), record) == null;
                if (added) {
                    queuedTotal.incrementAndGet();
                    if (pending.size() == readyThreshold) {
                        log.atWarn().addKeyValue("queued", pending.size()).addKeyValue("threshold", readyThreshold)
                                .addKeyValue("capacity", capacity)
                                .log("chat-log queue reached its readiness threshold; reporting not ready");
                    }
                }
                changed.signalAll();
                return WriteOutcome.QUEUED;
            }
        } finally {
            lock.unlock();
        }
        rejected.incrementAndGet();
        log.atError().addKeyValue("log_id", record.id()).addKeyValue("capacity", capacity)
                .log("chat-log queue is full; record rejected");
        return WriteOutcome.REJECTED;
    }

    /**
     * {@link #write}, for callers that only know {@link ChatLog}: returns normally when the record
     * is stored or queued.
     *
     * @throws QueueFullException when the store failed and the queue is full
     */
    @Override
    public void upsert(ChatRecord record) {
        if (write(record) == WriteOutcome.REJECTED) {
            throw new QueueFullException("the chat-log store " + delegate.describe()
                    + " is not accepting writes and the retry queue is full (" + capacity + " records)");
        }
    }

    /** A queued record is the newest version there is, so it is read before the store. */
    @Override
    public Optional<ChatRecord> get(String id) {
        Objects.requireNonNull(id, "id");
        lock.lock();
        try {
            ChatRecord queued = pending.get(id);
            if (queued != null) {
                return Optional.of(queued);
            }
        } finally {
            lock.unlock();
        }
        return delegate.get(id);
    }

    /** As {@link #get}: a queued record (its owner compared as the pipeline gave it), else the store's check. */
    @Override
    public Optional<ChatRecord> getFor(String id, String user) {
        Objects.requireNonNull(id, "id");
        lock.lock();
        try {
            ChatRecord queued = pending.get(id);
            if (queued != null) {
                return user == null || user.equals(queued.userEmail()) ? Optional.of(queued) : Optional.empty();
            }
        } finally {
            lock.unlock();
        }
        return delegate.getFor(id, user);
    }

    /**
     * The store's matches with the queued records that match too (a queued version replaces the
     * stored one), newest first: a conversation's last turn may still be queued when its next
     * question comes. The store must answer: without it the matches would be silently partial.
     */
    @Override
    public List<ChatRecord> find(ChatLogQuery query) {
        List<ChatRecord> stored = delegate.find(query);
        java.util.Map<String, ChatRecord> merged = new java.util.HashMap<>();
        stored.forEach(r -> merged.put(r.id(), r));
        lock.lock();
        try {
            for (ChatRecord r : pending.values()) {
                if (query.matches(r)) {
                    merged.put(r.id(), r);
                }
            }
        } finally {
            lock.unlock();
        }
        if (merged.size() == stored.size() && stored.stream().allMatch(r -> merged.get(r.id()) == r)) {
            return stored;
        }
        return merged.values().stream().sorted(java.util.Comparator.comparing(ChatRecord::timestamp)
                .thenComparing(ChatRecord::id).reversed()).limit(query.limit()).toList();
    }

    /**
     * A queued record is rated in the queue (the flusher writes it with its feedback); any other
     * is rated in the store, which must be up: a rating is not queued, the caller is told it failed.
     */
    @Override
    public Optional<ChatRecord> rate(String id, String user, Feedback feedback) {
        Objects.requireNonNull(feedback, "feedback");
        lock.lock();
        try {
            ChatRecord queued = pending.get(id);
            if (queued != null) {
                if (user != null && !user.equals(queued.userEmail())) {
                    return Optional.empty();
                }
                ChatRecord rated = queued.withFeedback(feedback);
                pending.put(id, rated);
                changed.signalAll();
                return Optional.of(rated);
            }
        } finally {
            lock.unlock();
        }
        return delegate.rate(id, user, feedback);
    }

    /** A conversation's queued turns are dropped from the queue, and its stored ones deleted in the store. */
    @Override
    public long deleteConversation(String conversationId, String user) {
        Objects.requireNonNull(conversationId, "conversationId");
        long dropped = 0;
        lock.lock();
        try {
            // A turn the flusher is writing now would land after the store's delete: wait for it.
            while (flushing != null && conversationId.equals(flushing.conversationId()) && !closed) {
                changed.awaitUninterruptibly();
            }
            var it = pending.values().iterator();
            while (it.hasNext()) {
                ChatRecord r = it.next();
                if (conversationId.equals(r.conversationId()) && (user == null || user.equals(r.userEmail()))) {
                    it.remove();
                    dropped++;
                }
            }
            if (dropped > 0) {
                changed.signalAll();
            }
        } finally {
            lock.unlock();
        }
        return dropped + delegate.deleteConversation(conversationId, user);
    }

    /** Records waiting for the store. */
    public int queued() {
        lock.lock();
        try {
            return pending.size();
        } finally {
            lock.unlock();
        }
    }

    public int capacity() {
        return capacity;
    }

    public int readyThreshold() {
        return readyThreshold;
    }

    /** False from {@code readyThreshold} queued records on: readiness should turn red. */
    public boolean healthy() {
        return queued() < readyThreshold;
    }

    /** False when the queue is full: a new question could not be logged, so refuse it. */
    @Override
    public boolean acceptingNewQuestions() {
        return queued() < capacity;
    }

    /** {@code null} when {@link #healthy()}, otherwise why not (for {@code /readyz}). */
    public String notReadyReason() {
        int n = queued();
        return n < readyThreshold ? null : "chat-log store " + delegate.describe() + " is not accepting writes: "
                + n + " records queued (readiness threshold " + readyThreshold + ", capacity " + capacity + ")";
    }

    public Counters counters() {
        return new Counters(writtenDirectly.get(), queuedTotal.get(), flushedLater.get(), rejected.get(), queued());
    }

    /**
     * Asks the flusher to retry now and waits until the queue is empty or {@code timeout} passed.
     *
     * @return how many records are still queued (0 when all reached the store)
     */
    public int flush(Duration timeout) {
        long remaining = Math.max(0, timeout.toNanos());
        lock.lock();
        try {
            retryNow = true;
            changed.signalAll();
            while (!pending.isEmpty() && remaining > 0 && !closed) {
                remaining = changed.awaitNanos(remaining);
            }
            return pending.size();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return pending.size();
        } finally {
            lock.unlock();
        }
    }

    private void flushLoop() {
        int failures = 0;
        while (true) {
            ChatRecord head;
            lock.lock();
            try {
                while (!closed && pending.isEmpty()) {
                    changed.awaitUninterruptibly();
                }
                if (closed) {
                    return;
                }
                head = pending.values().iterator().next();
                flushing = head;
            } finally {
                lock.unlock();
            }
            try {
                delegate.upsert(head);
                flushedLater.incrementAndGet();
                if (failures > 0) {
                    log.atInfo().addKeyValue("store", delegate.describe()).addKeyValue("failed_attempts", failures)
                            .log("chat-log store accepts writes again; flushing the queue");
                }
                failures = 0;
                int left = removeIfSame(head);
                if (left == 0) {
                    log.atInfo().addKeyValue("flushed_total", flushedLater.get()).log("chat-log queue drained");
                }
            } catch (RuntimeException e) {
                lock.lock();
                try {
                    flushing = null;
                    changed.signalAll();
                } finally {
                    lock.unlock();
                }
                failures++;
                long delay = backoffNanos(failures);
                if (failures == 1 || failures % 10 == 0) {
                    log.atWarn().addKeyValue("store", delegate.describe()).addKeyValue("queued", queued())
                            .addKeyValue("failed_attempts", failures)
                            .addKeyValue("retry_in_ms", TimeUnit.NANOSECONDS.toMillis(delay))
                            .addKeyValue("error", e.toString()).log("chat-log store still failing");
                }
                sleep(delay);
            }
        }
    }

    private int removeIfSame(ChatRecord written) {
        lock.lock();
        try {
            flushing = null;
            if (pending.get(written.id()) == written) {
                pending.remove(written.id());
            }
            changed.signalAll();
            return pending.size();
        } finally {
            lock.unlock();
        }
    }

    /** Exponential backoff with "equal jitter": between half and all of min(max, base * 2^(n-1)). */
    long backoffNanos(int failures) {
        long exp = baseBackoffNanos << Math.min(failures - 1, 30);
        long capped = exp <= 0 || exp > maxBackoffNanos ? maxBackoffNanos : exp;
        return capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1);
    }

    private void sleep(long nanos) {
        lock.lock();
        try {
            long remaining = nanos;
            while (!closed && !retryNow && remaining > 0) {
                remaining = changed.awaitNanos(remaining);
            }
            // consumed only now: a flush() asked for while the last attempt was failing still counts
            retryNow = false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Stops the flusher, gives each still-queued record one last try in order (stopping at the
     * first failure), logs how many are lost, and closes the store. Call {@link #flush} first to
     * give an outage time to end.
     */
    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        try {
            flusher.join(CLOSE_JOIN);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        int lost = lastTry();
        if (lost > 0) {
            log.atError().addKeyValue("lost", lost).addKeyValue("store", delegate.describe())
                    .log("chat log closed with records the store never accepted");
        }
        delegate.close();
    }

    private int lastTry() {
        lock.lock();
        try {
            Iterator<Map.Entry<String, ChatRecord>> it = pending.entrySet().iterator();
            while (it.hasNext()) {
                try {
                    delegate.upsert(it.next().getValue());
                    flushedLater.incrementAndGet();
                    it.remove();
                } catch (RuntimeException e) {
                    break;
                }
            }
            changed.signalAll();
            return pending.size();
        } finally {
            lock.unlock();
        }
    }





    /** The wrapped store. */
    public ChatLog store() {
        return delegate;
    }
}
