package dev.ragd.resume;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Answers' frames in Redis streams ({@code RAGD_REDIS_URL}): one stream per answer, one entry per
 * batch of frames ({@code o}: who asked, {@code f}: the frames as a JSON array), capped at
 * {@link #MAX_ENTRIES} entries ({@code XADD … MAXLEN ~}) and expiring {@code ttlMs} after its last
 * batch ({@code PEXPIRE}, sent with it), so a replica that dies leaves nothing behind for long.
 * Reads are {@code XRANGE} after the last entry id read.
 */
public final class RedisFrameStore implements FrameStore {

    /** Entries (batches) kept per answer; with batching, far more frames than an answer has. */
    static final int MAX_ENTRIES = 4096;
    private static final int READ_COUNT = 256;

    private final Redis redis;
    private final String prefix;

    public RedisFrameStore(Redis redis, String prefix) {
        this.redis = redis;
        this.prefix = prefix;
    }

    private String key(String logId) {
        return prefix + "frames:" + logId;
    }

    @Override
    public Future<Void> append(String logId, String owner, List<Frame> frames, long ttlMs) {
        JsonArray batch = new JsonArray();
        frames.forEach(f -> batch.add(f.toJson()));
        String key = key(logId);
        return redis.batch(List.of(
                Request.cmd(Command.XADD).arg(key).arg("MAXLEN").arg("~").arg(MAX_ENTRIES).arg("*")
                        .arg("o").arg(owner == null ? "" : owner).arg("f").arg(batch.encode()),
                Request.cmd(Command.PEXPIRE).arg(key).arg(Math.max(1, ttlMs)))).mapEmpty();
    }

    @Override
    public Future<Optional<Stored>> read(String logId, String cursor) {
        String from = cursor == null ? "-" : "(" + cursor;
        return redis.send(Request.cmd(Command.XRANGE).arg(key(logId)).arg(from).arg("+").arg("COUNT").arg(READ_COUNT))
                .map(r -> parse(r, cursor));
    }

    /** XRANGE's reply: {@code [[id, [field, value, …]], …]}. */
    private static Optional<Stored> parse(Response r, String cursor) {
        if (r == null || r.size() == 0) {
            return cursor == null ? Optional.empty() : Optional.of(new Stored(null, List.of(), cursor));
        }
        List<Frame> frames = new ArrayList<>();
        String owner = null;
        String last = cursor;
        for (Response entry : r) {
            last = entry.get(0).toString();
            Response fields = entry.get(1);
            for (int i = 0; i + 1 < fields.size(); i += 2) {
                String name = fields.get(i).toString();
                String value = fields.get(i + 1).toString();
                if (name.equals("o")) {
                    owner = value.isEmpty() ? null : value;
                } else if (name.equals("f")) {
                    for (Object o : new JsonArray(value)) {
                        frames.add(Frame.fromJson((JsonObject) o));
                    }
                }
            }
        }
        return Optional.of(new Stored(owner, frames, last));
    }
}
