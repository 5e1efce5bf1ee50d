package dev.ragd;

import dev.ragd.answers.AnswerDirectory;
import dev.ragd.answers.RedisAnswerDirectory;
import dev.ragd.auth.ApiKeys;
import dev.ragd.auth.Authenticator;
import dev.ragd.auth.JwtVerifier;
import dev.ragd.auth.MemoryTickets;
import dev.ragd.auth.RedisTickets;
import dev.ragd.auth.TicketStore;
import dev.ragd.config.AuthConfig;
import dev.ragd.config.QuotaConfig;
import dev.ragd.config.RagdConfig;
import dev.ragd.quota.FallbackQuotaStore;
import dev.ragd.quota.MemoryQuotaStore;
import dev.ragd.quota.QuotaStore;
import dev.ragd.quota.RedisQuotaStore;
import dev.ragd.server.ReadinessCheck;
import dev.ragd.server.ServerAuth;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.RedisOptions;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The part of the composition root that decides who may call and how much: the authenticator
 * ({@code RAGD_AUTH}), where WebSocket tickets, fair-use counts and the running answers (for stops)
 * live (this replica, or Redis when {@code RAGD_REDIS_URL} is set, shared by every replica), and
 * what readiness says of them.
 */
final class Callers implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Callers.class);
    static final String REDIS_PREFIX = "ragd:";

    private final ServerAuth serverAuth;
    private final Redis redis;
    private final Map<String, ReadinessCheck> checks;
    private final QuotaStore quotas;
    private final AnswerDirectory answers;
    /** While Redis is down, how often a limit check tries it again before using this replica's counts. */
    static final long RETRY_REDIS_MS = 5_000;
    /** How often a mounted key file is read again. */
    static final long KEYS_RELOAD_MS = 5_000;

    private Callers(ServerAuth serverAuth, Redis redis, Map<String, ReadinessCheck> checks, QuotaStore quotas,
            AnswerDirectory answers) {
        this.answers = answers;
        this.quotas = quotas;
        this.serverAuth = serverAuth;
        this.redis = redis;
        this.checks = checks;
    }

    static Callers open(Vertx vertx, RagdConfig config) {
        AuthConfig auth = config.auth();
        QuotaConfig quota = config.quota();
        warnIfOpen(config);
        Redis redis = quota.redisUrl() == null ? null : Redis.createClient(vertx, new RedisOptions()
                .setConnectionString(quota.redisUrl()).setMaxPoolSize(16).setMaxPoolWaiting(1024));
        RedisAPI api = redis == null ? null : RedisAPI.api(redis);
        if (api != null) {
            // Opens the first connection now: a cold first limit check could outwait its timeout.
            api.ping(java.util.List.of()).onFailure(e -> log.atWarn().addKeyValue("url", QuotaConfig.maskedUrl(quota.redisUrl()))
                    .addKeyValue("error", e.getMessage()).log("Redis does not answer yet; limits are per replica until it does"));
        }
        Authenticator authenticator = switch (auth.mode()) {
            case "api-key" -> watched(vertx, auth, new ApiKeys(auth.apiKeys()));
            case "jwt" -> new JwtVerifier(vertx, auth);
            default -> null;
        };
        TicketStore tickets = api == null ? new MemoryTickets() : new RedisTickets(api, REDIS_PREFIX + "ticket:");
        Map<String, ReadinessCheck> checks = new LinkedHashMap<>();
        if (authenticator != null) {
            checks.put("auth", authenticator::notReadyReason);
        }
        QuotaStore quotas = null;
        if (quota.anyLimit()) {
            if (redis == null) {
                quotas = new MemoryQuotaStore();
            } else {
                FallbackQuotaStore shared = new FallbackQuotaStore(vertx, new RedisQuotaStore(redis, REDIS_PREFIX + "quota:"),
                        new MemoryQuotaStore(), quota.redisTimeoutMs(), RETRY_REDIS_MS);
                checks.put("quota", ReadinessCheck.advisory(shared::degradedReason));
                quotas = shared;
            }
        }
        AnswerDirectory answers = redis == null ? AnswerDirectory.LOCAL : new RedisAnswerDirectory(vertx, redis, REDIS_PREFIX);
        return new Callers(new ServerAuth(authenticator, tickets, auth.ticketTtlMs()), redis, checks, quotas, answers);
    }

    /**
     * Keys from a mounted secret are re-read every {@link #KEYS_RELOAD_MS}: rotating a key is
     * remounting the secret (add the new key, move the clients, remove the old), with no restart.
     * A file that cannot be read or holds a bad entry keeps the keys in force, with a warning.
     */
    private static ApiKeys watched(Vertx vertx, AuthConfig auth, ApiKeys keys) {
        if (auth.apiKeysFile() == null) {
            return keys;
        }
        java.util.concurrent.atomic.AtomicReference<java.util.List<String>> current =
                new java.util.concurrent.atomic.AtomicReference<>(auth.apiKeys());
        vertx.setPeriodic(KEYS_RELOAD_MS, id -> vertx.executeBlocking(auth::currentKeys, false).onComplete(ar -> {
            if (ar.failed()) {
                log.atWarn().addKeyValue("error", ar.cause().getMessage()).log("API keys not reloaded; the keys in force stay");
            } else if (!ar.result().isEmpty() && !ar.result().equals(current.get())) {
                keys.replace(ar.result());
                current.set(ar.result());
                log.atInfo().addKeyValue("keys", ar.result().size()).log("API keys reloaded from RAGD_API_KEYS_FILE");
            }
        }));
        return keys;
    }

    /** {@code RAGD_AUTH=none} on an address others can reach: anyone there may spend the model's quota. */
    private static void warnIfOpen(RagdConfig config) {
        if (config.auth().required()) {
            return;
        }
        String host = config.host();
        boolean loopback = host.equals("127.0.0.1") || host.equals("localhost") || host.equals("::1")
                || host.startsWith("127.");
        if (!loopback) {
            log.atWarn().addKeyValue("RAGD_HOST", host).log("RAGD_AUTH=none on a non-loopback address: anyone who can"
                    + " reach this port may ask questions (and spend the model's quota) as any user_email they like;"
                    + " set RAGD_AUTH=api-key or jwt in front of real users");
        }
    }

    /** Which answers each replica generates: in Redis when it is set, so a stop reaches any replica. */
    AnswerDirectory answers() {
        return answers;
    }

    ServerAuth serverAuth() {
        return serverAuth;
    }

    /** Each identity's fair-use counts, or {@code null} when no limit is set. */
    QuotaStore quotas() {
        return quotas;
    }

    /** A shared store's state for metrics: {@code null} when limits are per replica by configuration. */
    FallbackQuotaStore sharedQuotas() {
        return quotas instanceof FallbackQuotaStore f ? f : null;
    }

    /** Readiness conditions: the token signing keys loaded; (advisory) the shared limits reachable. */
    Map<String, ReadinessCheck> readinessChecks() {
        return checks;
    }

    @Override
    public void close() {
        answers.close();
        if (serverAuth.authenticator() != null) {
            serverAuth.authenticator().close();
        }
        if (quotas != null) {
            quotas.close();
        }
        if (redis != null) {
            redis.close();
        }
    }
}
