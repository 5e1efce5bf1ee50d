package dev.ragd.quota;

import io.vertx.core.Future;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;

/**
 * Budgets kept in Redis, shared by every replica that uses the same Redis and prefix.
 *
 * <p>Each operation is one Lua script, so it is atomic however many replicas call at once. The
 * script reads the clock with {@code redis.call('TIME')}: every replica then agrees on time however
 * skewed their own clocks are. Per key there are two Redis keys: a hash with the two bucket levels
 * and their timestamp, which expires when both buckets would be full again (a missing hash reads as
 * full, so idle keys vanish by themselves), and a sorted set of permit ids scored by lease expiry,
 * which expires {@code 2 * leaseMs} after its last grant.
 *
 * <p>The identity is hashed (SHA-256) into the Redis key names, so a hostile identity can neither
 * reach another's keys nor grow key names; both names share a {@code {hash}} tag so a Redis
 * Cluster keeps them in one slot, as a script's keys must be. Keys and values travel in KEYS and
 * ARGV, never in the script text.
 *
 * <p>The Redis client is the caller's: it chooses the connection (standalone, sentinel, cluster),
 * sizes the pool (every question is one request; the client's default wait queue is 24) and closes
 * it. {@link #close} closes nothing.
 */
public final class RedisQuotaStore implements QuotaStore {

    public static final String DEFAULT_PREFIX = "ragd:quota:";

    // KEYS[1] buckets hash, KEYS[2] permits sorted set; ARGV[1..4] the limits. Both scripts start
    // by refilling the buckets to now; save() writes them back, or deletes them when both are full.
    private static final String PRELUDE = """
            if redis.replicate_commands then redis.replicate_commands() end
            local clock = redis.call('TIME')
            local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
            local qpm, tpm = tonumber(ARGV[1]), tonumber(ARGV[2])
            local maxc, lease = tonumber(ARGV[3]), tonumber(ARGV[4])
            local b = redis.call('HMGET', KEYS[1], 'q', 't', 'ts')
            local last = tonumber(b[3]) or now
            local elapsed = math.max(0, now - last)
            local stamp = math.max(now, last)
            local q = qpm > 0 and math.min(qpm, (tonumber(b[1]) or qpm) + elapsed * qpm / 60000) or 0
            local tk = tpm > 0 and math.min(tpm, (tonumber(b[2]) or tpm) + elapsed * tpm / 60000) or 0
            local function save()
              local ttl = 0
              if qpm > 0 then ttl = math.max(ttl, (qpm - q) * 60000 / qpm) end
              if tpm > 0 then ttl = math.max(ttl, (tpm - tk) * 60000 / tpm) end
              ttl = math.ceil(ttl)
              if ttl > 0 then
                redis.call('HSET', KEYS[1], 'q', tostring(q), 't', tostring(tk), 'ts', tostring(stamp))
                redis.call('PEXPIRE', KEYS[1], ttl)
              else
                redis.call('DEL', KEYS[1])
              end
            end
            local tracked = maxc > 0 or tpm > 0
            """;

    // ARGV[5] the new permit id, ARGV[6] the wait to tell for concurrency. Returns {1} or
    // {0, limit, retryAfterMs}; a refusal writes nothing.
    private static final Script ACQUIRE = new Script(PRELUDE + """
            local limit, wait = false, 0
            if qpm > 0 and q < 1 then
              limit, wait = 'questions_per_minute', math.ceil((1 - q) * 60000 / qpm)
            end
            if tpm > 0 and tk < 0 then
              local w = math.ceil(-tk * 60000 / tpm)
              if w > wait then limit, wait = 'tokens_per_minute', w end
            end
            if tracked then redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', tostring(now - lease)) end
            local concurrentWait = tonumber(ARGV[6])
            if maxc > 0 and wait < concurrentWait
                and redis.call('ZCOUNT', KEYS[2], '(' .. tostring(now), '+inf') >= maxc then
              limit, wait = 'concurrent_answers', concurrentWait
            end
            if limit then return {0, limit, wait} end
            if qpm > 0 then q = q - 1 end
            save()
            if tracked then
              redis.call('ZADD', KEYS[2], tostring(now + lease), ARGV[5])
              if redis.call('PTTL', KEYS[2]) < 2 * lease then redis.call('PEXPIRE', KEYS[2], 2 * lease) end
            end
            return {1}
            """);

    // ARGV[5] the permit id, ARGV[6] tokens. Only a permit still remembered is charged: once.
    private static final Script RELEASE = new Script(PRELUDE + """
            if redis.call('ZREM', KEYS[2], ARGV[5]) == 0 then return 0 end
            local charge = tonumber(ARGV[6])
            if tpm > 0 and charge > 0 then
              tk = tk - charge
              save()
            end
            return 1
            """);

    private final RedisAPI redis;
    private final String prefix;

    /** Keys under {@value #DEFAULT_PREFIX}. */
    public RedisQuotaStore(Redis redis) {
        this(redis, DEFAULT_PREFIX);
    }

    /** Keys under {@code prefix} (set by the operator, not by clients). */
    public RedisQuotaStore(Redis redis, String prefix) {
        this.redis = RedisAPI.api(redis);
        this.prefix = prefix;
    }

    @Override
    public Future<QuotaDecision> acquire(String key, QuotaLimits limits) {
        String permitId = UUID.randomUUID().toString();
        if (!limits.any()) {
            return Future.succeededFuture(QuotaDecision.granted(permitId));
        }
        return run(ACQUIRE, key, limits, permitId, Long.toString(QuotaDecision.CONCURRENT_RETRY_MS))
                .map(r -> r.get(0).toInteger() == 1
                        ? QuotaDecision.granted(permitId)
                        : QuotaDecision.refusal(r.get(1).toString(), r.get(2).toLong(), limits));
    }

    @Override
    public Future<Void> release(String key, String permitId, long tokens, QuotaLimits limits) {
        if (tokens < 0) {
            return Future.failedFuture(new IllegalArgumentException("tokens must be >= 0, got " + tokens));
        }
        if (!limits.tracksPermits()) {
            return Future.succeededFuture(); // nothing was stored for this permit
        }
        return run(RELEASE, key, limits, permitId, Long.toString(tokens)).mapEmpty();
    }

    @Override
    public String name() {
        return "redis";
    }

    @Override
    public Future<Void> close() {
        return Future.succeededFuture();
    }

    /** The two Redis keys of {@code key}: its buckets hash and its permits set. */
    List<String> redisKeys(String key) {
        String tag = prefix + "{" + Digests.sha256(key) + "}";
        return List.of(tag + ":b", tag + ":p");
    }

    private Future<Response> run(Script script, String key, QuotaLimits limits, String arg5, String arg6) {
        List<String> tail = new ArrayList<>(10);
        tail.add("2");
        tail.addAll(redisKeys(key));
        tail.add(Integer.toString(limits.questionsPerMinute()));
        tail.add(Long.toString(limits.tokensPerMinute()));
        tail.add(Integer.toString(limits.maxConcurrent()));
        tail.add(Long.toString(limits.leaseMs()));
        tail.add(arg5);
        tail.add(arg6);
        // EVALSHA first: the script text is sent only to a Redis that has not seen it yet
        // (after a restart or SCRIPT FLUSH), and EVAL caches it there for the next calls
        return redis.evalsha(with(script.sha1, tail)).recover(e -> isNoScript(e)
                ? redis.eval(with(script.text, tail))
                : Future.failedFuture(e));
    }

    private static List<String> with(String first, List<String> rest) {
        List<String> args = new ArrayList<>(rest.size() + 1);
        args.add(first);
        args.addAll(rest);
        return args;
    }

    private static boolean isNoScript(Throwable e) {
        String message = e.getMessage();
        return message != null && message.startsWith("NOSCRIPT");
    }

    private record Script(String text, String sha1) {
        Script(String text) {
            this(text, HexFormat.of().formatHex(Digests.digest("SHA-1", text)));
        }
    }
}
