package dev.ragd.auth;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.RedisAPI;
import java.util.List;

/**
 * Tickets in Redis, so a ticket issued by one replica opens a socket on any other: {@code SET …
 * PX} to keep one, {@code GETDEL} to redeem it, which Redis runs atomically (at most one taker).
 */
public final class RedisTickets implements TicketStore {

    private final RedisAPI redis;
    private final String prefix;

    public RedisTickets(RedisAPI redis, String prefix) {
        this.redis = redis;
        this.prefix = prefix;
    }

    @Override
    public Future<Void> put(String ticket, Ticket value, long ttlMs) {
        JsonObject v = new JsonObject().put("user", value.identity().user())
                .put("groups", new JsonArray(value.identity().groups())).put("scheme", value.identity().scheme())
                .put("origin", value.origin());
        return redis.set(List.of(prefix + MemoryTickets.key(ticket), v.encode(), "PX", Long.toString(ttlMs))).mapEmpty();
    }

    @Override
    public Future<Ticket> take(String ticket) {
        return redis.getdel(prefix + MemoryTickets.key(ticket)).map(r -> {
            if (r == null) {
                return null;
            }
            JsonObject v = new JsonObject(r.toString());
            List<String> groups = v.getJsonArray("groups", new JsonArray()).stream().map(String::valueOf).toList();
            return new Ticket(new Identity(v.getString("user"), groups, v.getString("scheme")), v.getString("origin"));
        });
    }

    @Override
    public String name() {
        return "redis";
    }
}
