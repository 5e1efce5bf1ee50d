package dev.ragd.quota;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ragd.testsupport.Await;
import dev.ragd.testsupport.RedisServer;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The contract against a real redis-server, plus what only a shared store does. */
class RedisQuotaStoreTest extends QuotaStoreContract {

    static RedisServer server;
    static Vertx vertx;
    private final List<Redis> clients = new ArrayList<>();
    /** This test's key prefix, so its Redis keys can be listed. */
    private final String prefix = "test:" + UUID.randomUUID() + ":";
    private RedisAPI inspector;

    @BeforeAll
    static void startRedis() {
        server = RedisServer.launch();
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stopRedis() {
        if (vertx != null) {
            vertx.close().await();
        }
        if (server != null) {
            server.close();
        }
    }

    @AfterEach
    void closeClients() {
        clients.forEach(c -> c.close().await());
    }

    @Override
    QuotaStore newStore() {
        return new RedisQuotaStore(client(), prefix);
    }

    @Override
    void advance(long ms) throws InterruptedException {
        Thread.sleep(ms); // the scripts read Redis's own clock
    }

    /** A client of its own, as each replica has. */
    Redis client() {
        Redis client = Redis.createClient(vertx, new RedisOptions().setConnectionString(server.url())
                .setMaxPoolSize(8).setMaxPoolWaiting(256));
        clients.add(client);
        return client;
    }

    @Test
    void twoReplicasShareOneBudget() throws Exception {
        QuotaStore a = new RedisQuotaStore(client(), prefix);
        QuotaStore b = new RedisQuotaStore(client(), prefix);
        QuotaLimits limits = new QuotaLimits(2, 0, 1, LEASE);

        QuotaDecision first = await(a.acquire(key, limits));
        assertThat(first.isGranted()).isTrue();
        assertThat(await(b.acquire(key, limits)).limit()).isEqualTo(QuotaDecision.CONCURRENT_ANSWERS);

        await(b.release(key, first.permitId(), 0, limits)); // released by another replica: the same permit
        assertThat(await(b.acquire(key, limits)).isGranted()).isTrue();
        assertThat(await(a.acquire(key, limits)).limit())
                .as("two questions a minute between both replicas")
                .isEqualTo(QuotaDecision.QUESTIONS_PER_MINUTE);
    }

    @Test
    void twoReplicasShareTheTokenBudget() throws Exception {
        QuotaStore a = new RedisQuotaStore(client(), prefix);
        QuotaStore b = new RedisQuotaStore(client(), prefix);
        QuotaLimits limits = new QuotaLimits(0, 600, 0, LEASE);
        QuotaDecision onA = await(a.acquire(key, limits));
        await(a.release(key, onA.permitId(), 6000, limits));
        assertThat(await(b.acquire(key, limits)).limit()).isEqualTo(QuotaDecision.TOKENS_PER_MINUTE);
    }

    @Test
    void hostileIdentitiesNeitherCollideNorReachTheScript() throws Exception {
        QuotaLimits limits = new QuotaLimits(1, 0, 0, 0);
        List<String> identities = List.of(
                "", "alice", "alice}", "{alice}", "alice:b", "alice:p", "ragd:quota:alice",
                "'); redis.call('FLUSHALL'); --", "]] .. redis.call('FLUSHALL') .. [[", "\r\nFLUSHALL\r\n",
                "\u0000", "é", "x".repeat(100_000));
        for (String identity : identities) {
            assertThat(acquire(identity, limits).isGranted()).as("first of %s", shortName(identity)).isTrue();
        }
        for (String identity : identities) {
            assertThat(acquire(identity, limits).limit()).as("second of %s", shortName(identity))
                    .isEqualTo(QuotaDecision.QUESTIONS_PER_MINUTE);
        }
        List<String> keys = redisKeys();
        assertThat(keys).hasSize(identities.size()).allMatch(k -> k.length() < prefix.length() + 60);
    }

    @Test
    void idleKeysVanishOnceTheirBucketsAreFull() throws Exception {
        QuotaLimits limits = new QuotaLimits(600, 6000, 0, 300);
        QuotaDecision d = acquire(key, limits); // one question: refilled in 100 ms
        assertThat(redisKeys()).hasSize(2); // buckets and permits
        release(key, d, 10, limits); // 10 tokens: refilled in 100 ms too

        Await.until(() -> redisKeys().isEmpty());
    }

    @Test
    void aRedisThatForgotTheScriptsIsSentThemAgain() throws Exception {
        QuotaLimits limits = new QuotaLimits(2, 0, 0, 0);
        assertThat(acquire(key, limits).isGranted()).isTrue();
        RedisAPI.api(client()).script(List.of("FLUSH")).await(); // as after a Redis restart

        assertThat(acquire(key, limits).isGranted()).isTrue();
        assertThat(acquire(key, limits).limit()).isEqualTo(QuotaDecision.QUESTIONS_PER_MINUTE);
    }

    private List<String> redisKeys() {
        if (inspector == null) {
            inspector = RedisAPI.api(client());
        }
        Response keys = inspector.keys(prefix + "*").await();
        List<String> names = new ArrayList<>();
        keys.forEach(k -> names.add(k.toString()));
        return names;
    }

    private static String shortName(String identity) {
        return identity.length() > 40 ? identity.substring(0, 40) + "..." : identity;
    }
}
