package dev.ragd.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ragd.testsupport.RedisServer;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The contract against a real redis-server; a ticket put through one client is taken through another (two replicas). */
class RedisTicketsTest extends TicketStoreContract {

    static RedisServer server;
    static Vertx vertx;
    static Redis one;
    static Redis two;

    @BeforeAll
    static void startRedis() {
        server = RedisServer.launch();
        vertx = Vertx.vertx();
        one = Redis.createClient(vertx, server.url());
        two = Redis.createClient(vertx, server.url());
    }

    @AfterAll
    static void stopRedis() throws Exception {
        if (vertx != null) {
            vertx.close().await(10, TimeUnit.SECONDS);
        }
        if (server != null) {
            server.close();
        }
    }

    @Override
    TicketStore store() {
        return new RedisTickets(RedisAPI.api(one), "test:ticket:");
    }

    @Test
    void aTicketIssuedOnOneReplicaOpensOnAnotherAndIsStoredOnlyAsAHash() throws Exception {
        String t = UUID.randomUUID().toString();
        new RedisTickets(RedisAPI.api(one), "test:ticket:").put(t, ALICE, 30_000).await(5, TimeUnit.SECONDS);
        List<String> keys = RedisAPI.api(one).keys("test:ticket:*").await(5, TimeUnit.SECONDS).stream()
                .map(Object::toString).toList();
        assertThat(keys).noneMatch(k -> k.contains(t));
        assertThat(new RedisTickets(RedisAPI.api(two), "test:ticket:").take(t).await(5, TimeUnit.SECONDS)).isEqualTo(ALICE);
    }
}
