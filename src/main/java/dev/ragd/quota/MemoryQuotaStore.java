package dev.ragd.quota;

import io.vertx.core.Future;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Budgets kept in this replica's memory: limits hold per replica, not across replicas. Thread-safe
 * (one lock, held for a few map operations, so plain synchronized code is fine on an event loop);
 * every future it returns is already complete.
 *
 * <p>Keys come from clients (one per client address), so the map is bounded twice: every
 * {@value #SWEEP_EVERY_MS} ms the keys whose buckets have refilled and that hold no permit are
 * dropped (a missing key reads as full buckets, so forgetting them changes nothing), and a new key
 * beyond {@code maxKeys} pushes out the least recently used key that holds no permit (forgetting a
 * partly spent budget: the price of a bound, paid by the quietest key).
 */
public final class MemoryQuotaStore implements QuotaStore {

    public static final int DEFAULT_MAX_KEYS = 100_000;
    static final long SWEEP_EVERY_MS = 10_000;
    private static final int MAX_RAW_KEY = 64;

    private final int maxKeys;
    private final LongSupplier nowMs;
    /** Access order: the eldest entry is the least recently used key. Guarded by {@code this}. */
    private final LinkedHashMap<String, Budget> budgets = new LinkedHashMap<>(64, 0.75f, true);
    private long nextSweepAt;
    // permit ids unique across store instances, so a wrapper can never mistake one store's for another's
    private final String idPrefix = "m" + Integer.toHexString(ThreadLocalRandom.current().nextInt()) + "-";
    private final AtomicLong permits = new AtomicLong();

    /** At most {@value #DEFAULT_MAX_KEYS} keys, on the monotonic clock. */
    public MemoryQuotaStore() {
        this(DEFAULT_MAX_KEYS, () -> System.nanoTime() / 1_000_000);
    }

    /**
     * @param maxKeys most keys kept at once, {@code >= 1}
     * @param nowMs a millisecond clock that does not go backwards (tests pass a hand-moved one)
     */
    public MemoryQuotaStore(int maxKeys, LongSupplier nowMs) {
        if (maxKeys < 1) {
            throw new IllegalArgumentException("maxKeys must be >= 1, got " + maxKeys);
        }
        this.maxKeys = maxKeys;
        this.nowMs = nowMs;
        this.nextSweepAt = nowMs.getAsLong() + SWEEP_EVERY_MS;
    }

    @Override
    public Future<QuotaDecision> acquire(String key, QuotaLimits limits) {
        String permitId = idPrefix + Long.toString(permits.incrementAndGet(), 36);
        if (!limits.any()) {
            return Future.succeededFuture(QuotaDecision.granted(permitId));
        }
        QuotaDecision decision;
        synchronized (this) {
            long now = nowMs.getAsLong();
            sweepIfDue(now);
            String k = mapKey(key);
            Budget budget = budgets.get(k);
            if (budget == null) {
                makeRoom();
                budget = new Budget(now);
                budgets.put(k, budget);
            }
            decision = budget.acquire(limits, now, permitId);
        }
        return Future.succeededFuture(decision);
    }

    @Override
    public Future<Void> release(String key, String permitId, long tokens, QuotaLimits limits) {
        if (tokens < 0) {
            return Future.failedFuture(new IllegalArgumentException("tokens must be >= 0, got " + tokens));
        }
        if (limits.tracksPermits()) {
            synchronized (this) {
                Budget budget = budgets.get(mapKey(key));
                if (budget != null) {
                    budget.release(limits, nowMs.getAsLong(), permitId, tokens);
                }
            }
        }
        return Future.succeededFuture();
    }

    /** How many keys are kept now. */
    public synchronized int size() {
        return budgets.size();
    }

    @Override
    public String name() {
        return "memory";
    }

    @Override
    public Future<Void> close() {
        synchronized (this) {
            budgets.clear();
        }
        return Future.succeededFuture();
    }

    /**
     * The key itself when short, else its digest: a client sending huge identities must not grow
     * memory by their length. Keys starting with the digest marker are always digested, so a raw
     * key can never pose as another key's digest.
     */
    private static String mapKey(String key) {
        return key.length() <= MAX_RAW_KEY && !key.startsWith("#") ? key : "#" + Digests.sha256(key);
    }

    private void sweepIfDue(long now) {
        if (now < nextSweepAt) {
            return;
        }
        nextSweepAt = now + SWEEP_EVERY_MS;
        budgets.values().removeIf(b -> b.idle(now));
    }

    private void makeRoom() {
        while (budgets.size() >= maxKeys) {
            Iterator<Budget> lru = budgets.values().iterator();
            Iterator<Budget> victim = null;
            while (lru.hasNext()) {
                if (lru.next().permits.isEmpty()) {
                    victim = lru;
                    break;
                }
            }
            if (victim == null) {
                // every key has an answer in progress: the bound still holds, the eldest goes
                victim = budgets.values().iterator();
                victim.next();
            }
            victim.remove();
        }
    }

    private record Permit(long expiresAt, long forgetAt) {}

    /** One key's buckets and permits; a NaN level means "never spent": full. */
    private static final class Budget {
        private double questions = Double.NaN;
        private double tokens = Double.NaN;
        private int questionCapacity;
        private long tokenCapacity;
        private long refilledAt;
        /**
         * In grant order, which is also expiry order (one replica grants every lease with the same
         * length on a clock that does not go back): the lapsed ones are a prefix, so a check costs
         * the lapsed permits, not every permit the key holds.
         */
        private final LinkedHashMap<String, Permit> permits = new LinkedHashMap<>(4);

        Budget(long now) {
            refilledAt = now;
        }

        QuotaDecision acquire(QuotaLimits limits, long now, String permitId) {
            refill(limits, now);
            forgetLapsed(now);
            String limit = null;
            long wait = 0;
            if (limits.questionsPerMinute() > 0 && questions < 1) {
                limit = QuotaDecision.QUESTIONS_PER_MINUTE;
                wait = (long) Math.ceil((1 - questions) * 60_000 / limits.questionsPerMinute());
            }
            if (limits.tokensPerMinute() > 0 && tokens < 0) {
                long w = (long) Math.ceil(-tokens * 60_000 / limits.tokensPerMinute());
                if (w > wait) {
                    limit = QuotaDecision.TOKENS_PER_MINUTE;
                    wait = w;
                }
            }
            if (limits.maxConcurrent() > 0 && live(now) >= limits.maxConcurrent()
                    && wait < QuotaDecision.CONCURRENT_RETRY_MS) {
                limit = QuotaDecision.CONCURRENT_ANSWERS;
                wait = QuotaDecision.CONCURRENT_RETRY_MS;
            }
            if (limit != null) {
                return QuotaDecision.refusal(limit, wait, limits);
            }
            if (limits.questionsPerMinute() > 0) {
                questions -= 1;
            }
            if (limits.tracksPermits()) {
                permits.put(permitId, new Permit(now + limits.leaseMs(), now + 2 * limits.leaseMs()));
            }
            return QuotaDecision.granted(permitId);
        }

        void release(QuotaLimits limits, long now, String permitId, long charge) {
            Permit permit = permits.remove(permitId);
            if (permit == null || permit.forgetAt() <= now) {
                return; // released before, never granted here, or forgotten: charged once at most
            }
            if (limits.tokensPerMinute() > 0 && charge > 0) {
                refill(limits, now);
                tokens -= charge;
            }
        }

        /** Buckets full again and no permit to remember: the key can be forgotten. */
        boolean idle(long now) {
            forgetLapsed(now);
            long elapsed = Math.max(0, now - refilledAt);
            return permits.isEmpty()
                    && full(questions, questionCapacity, elapsed)
                    && full(tokens, tokenCapacity, elapsed);
        }

        private static boolean full(double level, long capacity, long elapsed) {
            return capacity == 0 || Double.isNaN(level) || level + elapsed * (double) capacity / 60_000 >= capacity;
        }

        private void refill(QuotaLimits limits, long now) {
            long elapsed = Math.max(0, now - refilledAt);
            refilledAt = Math.max(refilledAt, now);
            questionCapacity = limits.questionsPerMinute();
            tokenCapacity = limits.tokensPerMinute();
            questions = refilled(questions, questionCapacity, elapsed);
            tokens = refilled(tokens, tokenCapacity, elapsed);
        }

        private static double refilled(double level, long capacity, long elapsed) {
            if (capacity == 0) {
                return Double.NaN; // off: starts full when turned on
            }
            return Double.isNaN(level) ? capacity : Math.min(capacity, level + elapsed * (double) capacity / 60_000);
        }

        private int live(long now) {
            int expired = 0;
            for (Permit p : permits.values()) {
                if (p.expiresAt() > now) {
                    break;
                }
                expired++;
            }
            return permits.size() - expired;
        }

        private void forgetLapsed(long now) {
            for (var it = permits.values().iterator(); it.hasNext() && it.next().forgetAt() <= now; ) {
                it.remove();
            }
        }
    }
}
