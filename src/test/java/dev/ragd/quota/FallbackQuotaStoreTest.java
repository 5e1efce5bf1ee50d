package dev.ragd.quota;

import static dev.ragd.quota.QuotaStoreContract.await;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.ragd.testsupport.Await;
import dev.ragd.testsupport.RecordedLog;
import dev.ragd.testsupport.RedisServer;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class FallbackQuotaStoreTest {

    static Vertx vertx;
    static final QuotaLimits LIMITS = new QuotaLimits(100, 0, 1, 60_000);

    @BeforeAll
    static void startVertx() {
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stopVertx() {
        vertx.close().await();
    }

    @Test
    void answersFromMemoryWhileRedisIsDownAndSharesAgainWhenItIsBack() throws Exception {
        try (RedisServer redis = RedisServer.launch(); RecordedLog log = RecordedLog.start()) {
            Redis client = Redis.createClient(vertx, new RedisOptions().setConnectionString(redis.url()));
            MemoryQuotaStore memory = new MemoryQuotaStore();
            RedisQuotaStore redisStore = new RedisQuotaStore(client);
            // the first call of a cold JVM (connection, class loading) can take longer than 250 ms
            await(redisStore.acquire("warm-up", LIMITS));
            FallbackQuotaStore store = new FallbackQuotaStore(vertx, redisStore, memory, 1000, 100);
            try {
                QuotaDecision shared = await(store.acquire("alice", LIMITS));
                assertThat(shared.isGranted()).isTrue();
                await(store.release("alice", shared.permitId(), 0, LIMITS));
                assertThat(store.shared()).as(store.degradedReason()).isTrue();
                assertThat(store.degradedReason()).isNull();

                redis.stop();
                QuotaDecision duringOutage = await(store.acquire("alice", LIMITS));
                assertThat(duringOutage.isGranted()).as("answered from memory, not refused").isTrue();
                assertThat(store.shared()).isFalse();
                assertThat(store.degradedReason())
                        .startsWith("redis unreachable since ")
                        .endsWith("; limits are per replica");
                assertThat(await(store.acquire("alice", LIMITS)).limit())
                        .as("the limits still hold, per replica")
                        .isEqualTo(QuotaDecision.CONCURRENT_ANSWERS);
                assertThat(store.fallbacks()).isEqualTo(2);

                redis.start();
                Await.untilPasses(() -> {
                    QuotaDecision probe = await(store.acquire("bob", LIMITS));
                    if (probe.isGranted()) {
                        await(store.release("bob", probe.permitId(), 0, LIMITS));
                    }
                    assertThat(store.shared()).isTrue();
                });
                assertThat(store.degradedReason()).isNull();

                // the outage's permit goes back to memory, which granted it; Redis never had it
                await(store.release("alice", duringOutage.permitId(), 0, LIMITS));
                QuotaDecision inMemory = await(memory.acquire("alice", LIMITS));
                assertThat(inMemory.isGranted()).as("memory's permit was freed").isTrue();
                long fallbacks = store.fallbacks();
                assertThat(await(store.acquire("alice", LIMITS)).isGranted()).as("from Redis").isTrue();
                assertThat(store.fallbacks()).isEqualTo(fallbacks);
            } finally {
                client.close().await();
            }
            assertThat(lines(log, Level.WARN)).singleElement().asString().contains("does not answer");
            assertThat(lines(log, Level.INFO)).singleElement().asString().contains("answers again");
        }
    }

    @Test
    void aPrimaryThatDoesNotAnswerIsTriedOncePerIntervalNotOnEveryCall() throws Exception {
        Silent primary = new Silent();
        FallbackQuotaStore store = new FallbackQuotaStore(vertx, primary, new MemoryQuotaStore(), 50, 60_000);
        for (int i = 0; i < 10; i++) {
            QuotaDecision d = await(store.acquire("alice-" + i, LIMITS));
            assertThat(d.isGranted()).isTrue();
            await(store.release("alice-" + i, d.permitId(), 10, LIMITS));
        }
        assertThat(primary.calls.get()).isEqualTo(1);
        assertThat(store.fallbacks()).isEqualTo(10);
        assertThat(store.degradedReason()).contains("no answer in 50 ms");
    }

    @Test
    void aGrantArrivingAfterItsTimeoutIsReleasedAtOnce() throws Exception {
        Silent primary = new Silent();
        FallbackQuotaStore store = new FallbackQuotaStore(vertx, primary, new MemoryQuotaStore(), 50, 60_000);
        assertThat(await(store.acquire("alice", LIMITS)).isGranted()).isTrue(); // from memory, after 50 ms

        primary.pending.getFirst().complete(QuotaDecision.granted("late-permit"));
        Await.until(() -> primary.released.contains("late-permit"));
    }

    @Test
    void aPrimaryPermitIsReleasedToThePrimary() throws Exception {
        MemoryQuotaStore primary = new MemoryQuotaStore();
        MemoryQuotaStore fallback = new MemoryQuotaStore();
        FallbackQuotaStore store = new FallbackQuotaStore(vertx, primary, fallback, 250, 100);
        QuotaDecision d = await(store.acquire("alice", LIMITS));
        await(store.release("alice", d.permitId(), 0, LIMITS));
        assertThat(await(primary.acquire("alice", LIMITS)).isGranted()).isTrue();
        assertThat(fallback.size()).isZero();
        assertThat(store.fallbacks()).isZero();
    }

    private static List<String> lines(RecordedLog log, Level level) {
        return log.events().stream()
                .filter(e -> e.getLoggerName().equals(FallbackQuotaStore.class.getName()) && e.getLevel() == level)
                .map(ILoggingEvent::getFormattedMessage)
                .toList();
    }

    /** A primary that never answers by itself: the test completes its calls, or nobody does. */
    static final class Silent implements QuotaStore {
        final AtomicInteger calls = new AtomicInteger();
        final List<Promise<QuotaDecision>> pending = new CopyOnWriteArrayList<>();
        final List<String> released = new CopyOnWriteArrayList<>();

        @Override
        public Future<QuotaDecision> acquire(String key, QuotaLimits limits) {
            calls.incrementAndGet();
            Promise<QuotaDecision> p = Promise.promise();
            pending.add(p);
            return p.future();
        }

        @Override
        public Future<Void> release(String key, String permitId, long tokens, QuotaLimits limits) {
            released.add(permitId);
            return Future.succeededFuture();
        }

        @Override
        public String name() {
            return "silent";
        }

        @Override
        public Future<Void> close() {
            return Future.succeededFuture();
        }
    }
}
