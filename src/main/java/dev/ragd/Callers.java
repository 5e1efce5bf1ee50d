package dev.ragd;

import dev.ragd.auth.ApiKeys;
import dev.ragd.auth.Authenticator;
import dev.ragd.auth.JwtVerifier;
import dev.ragd.auth.MemoryTickets;
import dev.ragd.auth.RedisTickets;
import dev.ragd.auth.TicketStore;
import dev.ragd.config.AuthConfig;
import dev.ragd.config.QuotaConfig;
import dev.ragd.config.RagdConfig;
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
 * ({@code RAGD_AUTH}), where WebSocket tickets and fair-use counts live (this replica, or Redis
 * when {@code RAGD_REDIS_URL} is set, shared by every replica), and what readiness says of them.
 */
final class Callers implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Callers.class);
    static final String REDIS_PREFIX = "ragd:";

    private final ServerAuth serverAuth;
    private final Redis redis;
    private final Map<String, ReadinessCheck> checks;

    private Callers(ServerAuth serverAuth, Redis redis, Map<String, ReadinessCheck> checks) {
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
        Authenticator authenticator = switch (auth.mode()) {
            case "api-key" -> new ApiKeys(auth.apiKeys());
            case "jwt" -> new JwtVerifier(vertx, auth);
            default -> null;
        };
        TicketStore tickets = api == null ? new MemoryTickets() : new RedisTickets(api, REDIS_PREFIX + "ticket:");
        Map<String, ReadinessCheck> checks = new LinkedHashMap<>();
        if (authenticator != null) {
            checks.put("auth", authenticator::notReadyReason);
        }
        return new Callers(new ServerAuth(authenticator, tickets, auth.ticketTtlMs()), redis, checks);
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

    ServerAuth serverAuth() {
        return serverAuth;
    }

    /** Readiness conditions: the token signing keys loaded. */
    Map<String, ReadinessCheck> readinessChecks() {
        return checks;
    }

    @Override
    public void close() {
        if (serverAuth.authenticator() != null) {
            serverAuth.authenticator().close();
        }
        if (redis != null) {
            redis.close();
        }
    }
}
