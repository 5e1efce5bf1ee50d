package dev.ragd.quota;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link QuotaStore} does ({@link QuotaStore}'s contract), run against each backend by
 * a subclass. Budgets are small (60 questions or 600 tokens a minute: one a second, ten a second) so
 * that waiting for a refill takes a second at most, never a minute.
 */
abstract class QuotaStoreContract {

    static final long LEASE = 60_000;

    QuotaStore store;
    /** A key of this test alone (a Redis store may be shared by the test class). */
    String key;

    /** A new, empty store. */
    abstract QuotaStore newStore() throws Exception;

    /** Lets {@code ms} pass on the store's clock: a hand-moved clock, or a real sleep. */
    abstract void advance(long ms) throws InterruptedException;

    @BeforeEach
    void openStore() throws Exception {
        store = newStore();
        key = "user-" + UUID.randomUUID();
    }

    @AfterEach
    void closeStore() throws Exception {
        await(store.close());
    }

    @Test
    void questionLimitRefusesTheQuestionAfterTheBudgetAndSaysWhenToRetry() throws Exception {
        QuotaLimits limits = new QuotaLimits(60, 0, 0, 0);
        for (int i = 0; i < 60; i++) {
            assertThat(acquire(key, limits).isGranted()).as("question %d", i + 1).isTrue();
        }

        QuotaDecision refused = acquire(key, limits);
        assertThat(refused.isGranted()).isFalse();
        assertThat(refused.limit()).isEqualTo(QuotaDecision.QUESTIONS_PER_MINUTE);
        assertThat(refused.retryAfterMs()).isBetween(1L, 1000L); // the next question refills in 1 s
        assertThat(refused.message()).startsWith("over the limit of 60 questions per minute for this caller; retry in ");

        advance(refused.retryAfterMs() / 2);
        QuotaDecision stillRefused = acquire(key, limits);
        assertThat(stillRefused.isGranted()).isFalse();
        assertThat(stillRefused.retryAfterMs()).isLessThan(refused.retryAfterMs());

        advance(stillRefused.retryAfterMs());
        assertThat(acquire(key, limits).isGranted()).as("after retryAfterMs").isTrue();
        assertThat(acquire(key, limits).isGranted()).as("only one question refilled").isFalse();
    }

    @Test
    void tokensInDebtRefuseQuestionsUntilTheDebtIsRefilled() throws Exception {
        QuotaLimits limits = new QuotaLimits(0, 600, 0, LEASE);
        QuotaDecision first = acquire(key, limits);
        release(key, first, 610, limits); // 10 over: one second of refill at 10 tokens a second

        QuotaDecision refused = acquire(key, limits);
        assertThat(refused.limit()).isEqualTo(QuotaDecision.TOKENS_PER_MINUTE);
        assertThat(refused.retryAfterMs()).isBetween(1L, 1000L);
        assertThat(refused.message()).startsWith("over the limit of 600 model tokens per minute for this caller; retry in ");

        advance(refused.retryAfterMs());
        assertThat(acquire(key, limits).isGranted()).isTrue();
    }

    @Test
    void tokensAdmitWhileTheBalanceIsNotNegative() throws Exception {
        QuotaLimits limits = new QuotaLimits(0, 600, 0, LEASE);
        release(key, acquire(key, limits), 600, limits); // the whole budget: balance 0 (and refilling)

        QuotaDecision atZero = acquire(key, limits);
        assertThat(atZero.isGranted()).isTrue();
        release(key, atZero, 5, limits); // now in debt: about half a second of refill

        QuotaDecision inDebt = acquire(key, limits);
        assertThat(inDebt.limit()).isEqualTo(QuotaDecision.TOKENS_PER_MINUTE);
        assertThat(inDebt.retryAfterMs()).isBetween(1L, 500L);
    }

    @Test
    void concurrencyRefusesAtTheMaximumAndAdmitsAfterARelease() throws Exception {
        QuotaLimits limits = new QuotaLimits(0, 0, 2, LEASE);
        QuotaDecision a = acquire(key, limits);
        QuotaDecision b = acquire(key, limits);
        assertThat(List.of(a, b)).allMatch(QuotaDecision::isGranted);
        assertThat(a.permitId()).isNotEqualTo(b.permitId());

        QuotaDecision refused = acquire(key, limits);
        assertThat(refused.limit()).isEqualTo(QuotaDecision.CONCURRENT_ANSWERS);
        assertThat(refused.retryAfterMs()).isEqualTo(QuotaDecision.CONCURRENT_RETRY_MS);
        assertThat(refused.message()).isEqualTo("over the limit of 2 answers at once for this caller; retry in 1.0 s");

        release(key, a, 0, limits);
        assertThat(acquire(key, limits).isGranted()).isTrue();
        assertThat(acquire(key, limits).isGranted()).isFalse();
    }

    @Test
    void releasingTwiceOrAnUnknownPermitFreesAndChargesNothingMore() throws Exception {
        QuotaLimits limits = new QuotaLimits(0, 600, 1, LEASE);
        QuotaDecision permit = acquire(key, limits);
        release(key, permit, 400, limits);
        release(key, permit, 400, limits); // charged twice, the balance would be -200: refused
        await(store.release(key, "no-such-permit", 400, limits));
        await(store.release("never-seen-" + key, "no-such-permit", 400, limits));

        assertThat(acquire(key, limits).isGranted()).as("balance 200, slot free").isTrue();
        assertThat(acquire(key, limits).limit()).as("one slot only").isEqualTo(QuotaDecision.CONCURRENT_ANSWERS);
    }

    @Test
    void aRefusedQuestionSpendsNoBudget() throws Exception {
        QuotaLimits limits = new QuotaLimits(2, 0, 1, LEASE);
        QuotaDecision first = acquire(key, limits);
        for (int i = 0; i < 5; i++) {
            assertThat(acquire(key, limits).limit()).isEqualTo(QuotaDecision.CONCURRENT_ANSWERS);
        }
        release(key, first, 0, limits);
        assertThat(acquire(key, limits).isGranted()).as("the second of 2 questions").isTrue();
    }

    @Test
    void theLimitWithTheLongestWaitIsNamed() throws Exception {
        QuotaLimits limits = new QuotaLimits(1, 600, 0, LEASE);
        release(key, acquire(key, limits), 60, limits); // questions: 60 s to refill; tokens: 6 s
        assertThat(acquire(key, limits).limit()).isEqualTo(QuotaDecision.QUESTIONS_PER_MINUTE);

        String other = key + "-2";
        release(other, acquire(other, limits), 1800, limits); // tokens: 120 s
        QuotaDecision refused = acquire(other, limits);
        assertThat(refused.limit()).isEqualTo(QuotaDecision.TOKENS_PER_MINUTE);
        assertThat(refused.retryAfterMs()).isBetween(100_000L, 120_000L);
    }

    @Test
    void eachKeyHasItsOwnBudget() throws Exception {
        QuotaLimits limits = new QuotaLimits(1, 0, 0, 0);
        assertThat(acquire(key + "alice", limits).isGranted()).isTrue();
        assertThat(acquire(key + "alice", limits).isGranted()).isFalse();
        for (String other : List.of("bob", "Alice", "alice ", "alic", "alice\u0000")) {
            assertThat(acquire(key + other, limits).isGranted()).as(other).isTrue();
        }
    }

    @Test
    void longKeysAndKeysLookingLikeDigestsHaveTheirOwnBudgets() throws Exception {
        QuotaLimits limits = new QuotaLimits(1, 0, 0, 0);
        String longKey = key + "x".repeat(10_000);
        assertThat(acquire(longKey, limits).isGranted()).isTrue();
        assertThat(acquire(longKey, limits).isGranted()).isFalse();
        for (String other : List.of(longKey + "y", longKey.substring(1), "#" + Digests.sha256(longKey),
                Digests.sha256(longKey))) {
            assertThat(acquire(other, limits).isGranted()).as(other.substring(0, 20)).isTrue();
        }
    }

    @Test
    void aLimitOfZeroIsOff() throws Exception {
        for (int i = 0; i < 200; i++) {
            QuotaDecision d = acquire(key, QuotaLimits.none());
            assertThat(d.isGranted()).isTrue();
            release(key, d, 1_000_000, QuotaLimits.none());
        }
        QuotaLimits concurrencyOnly = new QuotaLimits(0, 0, 1, LEASE);
        for (int i = 0; i < 100; i++) { // no question or token limit
            QuotaDecision d = acquire(key, concurrencyOnly);
            assertThat(d.isGranted()).as("question %d", i + 1).isTrue();
            release(key, d, 1_000_000, concurrencyOnly);
        }
        QuotaLimits questionsOnly = new QuotaLimits(1000, 0, 0, 0);
        List<QuotaDecision> held = new ArrayList<>();
        for (int i = 0; i < 50; i++) { // no concurrency limit: none released
            held.add(acquire(key, questionsOnly));
        }
        assertThat(held).allMatch(QuotaDecision::isGranted);
    }

    @Test
    void concurrentAcquiresNeverHandOutMoreThanTheMaximum() throws Exception {
        QuotaLimits limits = new QuotaLimits(0, 0, 4, LEASE);
        ExecutorService threads = Executors.newFixedThreadPool(8);
        try {
            // a burst from 8 threads at once: exactly 4 granted
            CountDownLatch go = new CountDownLatch(1);
            List<java.util.concurrent.Future<QuotaDecision>> burst = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                burst.add(threads.submit(() -> {
                    go.await();
                    return acquire(key, limits);
                }));
            }
            go.countDown();
            List<QuotaDecision> granted = new ArrayList<>();
            for (var f : burst) {
                QuotaDecision d = f.get(10, TimeUnit.SECONDS);
                if (d.isGranted()) {
                    granted.add(d);
                }
            }
            assertThat(granted).hasSize(4);
            for (QuotaDecision d : granted) {
                release(key, d, 0, limits);
            }

            // churn: answers start and end on 8 threads; never more than 4 in progress
            AtomicInteger inProgress = new AtomicInteger();
            AtomicInteger most = new AtomicInteger();
            AtomicInteger grants = new AtomicInteger();
            List<java.util.concurrent.Future<?>> churn = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                churn.add(threads.submit(() -> {
                    for (int i = 0; i < 25; i++) {
                        QuotaDecision d = acquire(key, limits);
                        if (d.isGranted()) {
                            grants.incrementAndGet();
                            most.accumulateAndGet(inProgress.incrementAndGet(), Math::max);
                            inProgress.decrementAndGet();
                            release(key, d, 0, limits);
                        }
                    }
                    return null;
                }));
            }
            for (var f : churn) {
                f.get(30, TimeUnit.SECONDS);
            }
            assertThat(most.get()).isBetween(1, 4);
            assertThat(grants.get()).isGreaterThanOrEqualTo(25);
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void aPermitNeverReleasedLapsesAfterItsLease() throws Exception {
        QuotaLimits limits = new QuotaLimits(0, 0, 1, 200);
        assertThat(acquire(key, limits).isGranted()).isTrue(); // its holder crashed: no release
        assertThat(acquire(key, limits).limit()).isEqualTo(QuotaDecision.CONCURRENT_ANSWERS);

        advance(250);
        assertThat(acquire(key, limits).isGranted()).isTrue();
    }

    @Test
    void aReleaseJustAfterTheLeaseStillChargesItsTokens() throws Exception {
        QuotaLimits limits = new QuotaLimits(0, 600, 1, 200);
        QuotaDecision slow = acquire(key, limits);
        advance(250); // the answer was cut at its deadline; its release comes a little late
        release(key, slow, 1200, limits);
        assertThat(acquire(key, limits).limit()).isEqualTo(QuotaDecision.TOKENS_PER_MINUTE);
    }

    QuotaDecision acquire(String key, QuotaLimits limits) throws Exception {
        return await(store.acquire(key, limits));
    }

    void release(String key, QuotaDecision granted, long tokens, QuotaLimits limits) throws Exception {
        assertThat(granted.isGranted()).as("a granted decision to release").isTrue();
        await(store.release(key, granted.permitId(), tokens, limits));
    }

    static <T> T await(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
