package dev.ragd.answers;

import dev.ragd.resume.FrameStore;
import dev.ragd.resume.RedisFrameStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.List;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The answers every replica generates, in Redis ({@code RAGD_REDIS_URL}): a key per answer
 * ({@code SET … PX}, holding who asked, removed when it ends, expiring on its own if its replica
 * dies) and one pub/sub channel on which a stop is sent to every replica; the one generating the
 * answer stops it. Each replica keeps one subscribed connection, opened again after Redis comes back.
 * The answers' frames, for resuming on another replica, are kept in Redis streams ({@link RedisFrameStore}).
 */
public final class RedisAnswerDirectory implements AnswerDirectory {

    private static final Logger log = LoggerFactory.getLogger(RedisAnswerDirectory.class);
    /** Longer than any answer runs; a replica that dies without ending its answers leaves keys this long. */
    static final long KEY_TTL_MS = 15 * 60_000;
    private static final long RESUBSCRIBE_MS = 1_000;

    private final Vertx vertx;
    private final Redis redis;
    private final RedisAPI api;
    private final String prefix;
    private final String channel;
    private volatile BiConsumer<String, String> stopHere = (logId, caller) -> {};
    private volatile RedisConnection subscription;
    private volatile boolean closed;
    private final FrameStore frames;

    public RedisAnswerDirectory(Vertx vertx, Redis redis, String prefix) {
        this.vertx = vertx;
        this.redis = redis;
        this.api = RedisAPI.api(redis);
        this.prefix = prefix;
        this.channel = prefix + "stop";
        this.frames = new RedisFrameStore(redis, prefix);
        subscribe();
    }

    @Override
    public void started(String logId, String owner) {
        api.set(List.of(key(logId), new JsonObject().put("owner", owner).encode(), "PX", Long.toString(KEY_TTL_MS)))
                .onFailure(e -> log.atDebug().addKeyValue("error", e.getMessage()).log("answer not recorded in Redis"));
    }

    @Override
    public void ended(String logId) {
        api.del(List.of(key(logId)));
    }

    @Override
    public Future<Boolean> stopElsewhere(String logId, String caller) {
        return api.get(key(logId)).compose(r -> {
            if (r == null) {
                return Future.succeededFuture(false);
            }
            if (!AnswerDirectory.mayStop(new JsonObject(r.toString()).getString("owner"), caller)) {
                return Future.succeededFuture(false);
            }
            String message = new JsonObject().put("log_id", logId).put("caller", caller).encode();
            return api.publish(channel, message).map(n -> true);
        }).recover(e -> {
            log.atWarn().addKeyValue("error", e.getMessage()).log("a stop could not be passed on through Redis");
            return Future.succeededFuture(false);
        });
    }

    @Override
    public FrameStore frames() {
        return frames;
    }

    @Override
    public void onStop(BiConsumer<String, String> stopHere) {
        this.stopHere = stopHere;
    }

    private String key(String logId) {
        return prefix + "answer:" + logId;
    }

    /** Opens the subscribed connection; on failure or when it ends, tries again a second later. */
    private void subscribe() {
        if (closed) {
            return;
        }
        redis.connect().compose(conn -> {
            subscription = conn;
            conn.handler(this::message);
            conn.exceptionHandler(e -> log.atDebug().addKeyValue("error", e.getMessage()).log("stop channel error"));
            conn.endHandler(v -> resubscribeLater());
            return conn.send(Request.cmd(Command.SUBSCRIBE).arg(channel));
        }).onFailure(e -> {
            log.atDebug().addKeyValue("error", e.getMessage()).log("stop channel not subscribed yet; trying again");
            resubscribeLater();
        });
    }

    private void resubscribeLater() {
        if (!closed) {
            vertx.setTimer(RESUBSCRIBE_MS, id -> subscribe());
        }
    }

    /** A pub/sub message: {@code ["message", channel, payload]}. */
    private void message(Response r) {
        if (r == null || r.size() < 3 || !"message".equals(r.get(0).toString()) || !channel.equals(r.get(1).toString())) {
            return;
        }
        try {
            JsonObject stop = new JsonObject(r.get(2).toString());
            stopHere.accept(stop.getString("log_id"), stop.getString("caller"));
        } catch (RuntimeException e) {
            log.atWarn().addKeyValue("error", e.getMessage()).log("a stop message from Redis could not be read");
        }
    }

    @Override
    public void close() {
        closed = true;
        RedisConnection c = subscription;
        if (c != null) {
            c.close();
        }
    }
}
