package dev.ragd.resume;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ragd.testsupport.RedisServer;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Answers' frames in a real Redis: batches in order, reading on from a cursor, the owner, expiry. */
class RedisFrameStoreTest {

    static RedisServer server;
    static Vertx vertx;
    static RedisFrameStore store;

    @BeforeAll
    static void start() throws Exception {
        server = RedisServer.launch();
        vertx = Vertx.vertx();
        store = new RedisFrameStore(Redis.createClient(vertx, new RedisOptions().setConnectionString(server.url())), "t:");
    }

    @AfterAll
    static void stop() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
        server.close();
    }

    @Test
    void batchesAreReadInOrderAndOnFromTheCursorWithTheirOwner() throws Exception {
        store.append("a1", "ann", List.of(Frame.of(1, "start", new JsonObject().put("log_id", "a1"))), 10_000)
                .await(5, TimeUnit.SECONDS);
        store.append("a1", "ann", List.of(Frame.token(2, "x"), Frame.token(3, "y")), 10_000).await(5, TimeUnit.SECONDS);

        FrameStore.Stored first = store.read("a1", null).await(5, TimeUnit.SECONDS).orElseThrow();
        assertThat(first.owner()).isEqualTo("ann");
        assertThat(first.frames()).extracting(Frame::seq).containsExactly(1L, 2L, 3L);
        assertThat(first.frames().get(2).text()).isEqualTo("y");

        FrameStore.Stored none = store.read("a1", first.cursor()).await(5, TimeUnit.SECONDS).orElseThrow();
        assertThat(none.frames()).isEmpty();
        store.append("a1", "ann", List.of(Frame.of(4, "end", new JsonObject().put("status", "completed"))), 10_000)
                .await(5, TimeUnit.SECONDS);
        FrameStore.Stored rest = store.read("a1", first.cursor()).await(5, TimeUnit.SECONDS).orElseThrow();
        assertThat(rest.frames()).extracting(Frame::type).containsExactly("end");
    }

    @Test
    void anUnknownAnswerIsEmptyAndOneAskedByNobodyHasNoOwner() throws Exception {
        assertThat(store.read("nobody-knows", null).await(5, TimeUnit.SECONDS)).isEmpty();
        store.append("anon", null, List.of(Frame.token(1, "x")), 10_000).await(5, TimeUnit.SECONDS);
        assertThat(store.read("anon", null).await(5, TimeUnit.SECONDS).orElseThrow().owner()).isNull();
    }

    @Test
    void anAnswerExpiresAfterItsTimeToLive() throws Exception {
        store.append("short", "ann", List.of(Frame.token(1, "x")), 150).await(5, TimeUnit.SECONDS);
        assertThat(store.read("short", null).await(5, TimeUnit.SECONDS)).isPresent();
        Thread.sleep(400);
        assertThat(store.read("short", null).await(5, TimeUnit.SECONDS)).isEmpty();
    }

    @Test
    void aLongAnswerIsReadPageByPageWithNothingMissing() throws Exception {
        for (int b = 0; b < 600; b++) {
            store.append("long", "ann", List.of(Frame.token(b + 1, "w" + b)), 10_000).await(5, TimeUnit.SECONDS);
        }
        store.append("long", "ann", List.of(Frame.of(601, "end", new JsonObject())), 10_000).await(5, TimeUnit.SECONDS);
        List<Frame> all = new ArrayList<>();
        String cursor = null;
        while (all.isEmpty() || !all.getLast().last()) {
            Optional<FrameStore.Stored> page = store.read("long", cursor).await(5, TimeUnit.SECONDS);
            all.addAll(page.orElseThrow().frames());
            cursor = page.get().cursor();
        }
        assertThat(all).extracting(Frame::seq).containsExactlyElementsOf(
                java.util.stream.LongStream.rangeClosed(1, 601).boxed().toList());
    }
}
