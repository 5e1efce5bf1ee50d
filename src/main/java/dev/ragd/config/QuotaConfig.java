package dev.ragd.config;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Fair use per identity (an API key's name, a token's user, or an anonymous caller's address) and
 * where the counts live. Read once and validated; {@link #toString()} never shows the Redis password.
 *
 * @param redisUrl          {@code RAGD_REDIS_URL} ({@code redis://[user:password@]host:port[/db]}, or
 *                          {@code rediss://} for TLS): limits and WebSocket tickets are shared by every
 *                          replica through it; {@code null} keeps them per replica
 * @param questionsPerMinute {@code RAGD_RATE_LIMIT_PER_MINUTE}: questions one identity may ask per minute (0: no limit)
 * @param tokensPerMinute   {@code RAGD_TOKENS_PER_MINUTE}: model tokens (prompt and completion, as the
 *                          model reports them) one identity may spend per minute (0: no limit)
 * @param maxConcurrent     {@code RAGD_MAX_CONCURRENT_PER_USER}: answers one identity may have in flight
 *                          at once, over all its sockets and replicas (0: no limit)
 * @param redisTimeoutMs    {@code RAGD_REDIS_TIMEOUT_MS}: how long a limit check waits for Redis before
 *                          it is answered by this replica's own counts
 */
public record QuotaConfig(String redisUrl, int questionsPerMinute, long tokensPerMinute, int maxConcurrent,
        int redisTimeoutMs) {

    public static final Set<String> SECRETS = Set.of("RAGD_REDIS_URL");

    /**
     * The limits when authentication is on and none is set: a signed-in user gets a conversation's
     * pace, not a script's. Anonymous callers share an address behind a proxy or load generator, so
     * with {@code RAGD_AUTH=none} nothing is limited unless asked for.
     */
    public static final int SIGNED_IN_QUESTIONS_PER_MINUTE = 60;
    public static final int SIGNED_IN_MAX_CONCURRENT = 4;

    public static QuotaConfig from(Env env, boolean authRequired) {
        String url = env.raw("RAGD_REDIS_URL");
        if (url != null) {
            URI u;
            try {
                u = URI.create(url);
            } catch (IllegalArgumentException e) {
                throw new ConfigException("RAGD_REDIS_URL is not a URL (expected redis://host:port)");
            }
            if (!("redis".equals(u.getScheme()) || "rediss".equals(u.getScheme())) || u.getHost() == null) {
                throw new ConfigException("RAGD_REDIS_URL must be redis://host:port or rediss://host:port"
                        + " (scheme '" + u.getScheme() + "')");
            }
        }
        return new QuotaConfig(url,
                env.integer("RAGD_RATE_LIMIT_PER_MINUTE", authRequired ? SIGNED_IN_QUESTIONS_PER_MINUTE : 0, 0, 1_000_000),
                env.integer("RAGD_TOKENS_PER_MINUTE", 0, 0, Integer.MAX_VALUE),
                env.integer("RAGD_MAX_CONCURRENT_PER_USER", authRequired ? SIGNED_IN_MAX_CONCURRENT : 0, 0, 100_000),
                env.integer("RAGD_REDIS_TIMEOUT_MS", 250, 10, 60_000));
    }

    /** True when any per-identity limit is on. */
    public boolean anyLimit() {
        return questionsPerMinute > 0 || tokensPerMinute > 0 || maxConcurrent > 0;
    }

    /** The Redis URL with its password hidden. */
    public static String maskedUrl(String url) {
        if (url == null) {
            return "(unset)";
        }
        int at = url.lastIndexOf('@');
        int scheme = url.indexOf("://");
        return at < 0 || scheme < 0 ? url : url.substring(0, scheme + 3) + "****" + url.substring(at);
    }

    @Override
    public String toString() {
        return "QuotaConfig" + describe();
    }

    public Map<String, String> describe() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("RAGD_REDIS_URL", redisUrl == null ? "" : maskedUrl(redisUrl));
        m.put("RAGD_RATE_LIMIT_PER_MINUTE", Integer.toString(questionsPerMinute));
        m.put("RAGD_TOKENS_PER_MINUTE", Long.toString(tokensPerMinute));
        m.put("RAGD_MAX_CONCURRENT_PER_USER", Integer.toString(maxConcurrent));
        m.put("RAGD_REDIS_TIMEOUT_MS", Integer.toString(redisTimeoutMs));
        return m;
    }
}
