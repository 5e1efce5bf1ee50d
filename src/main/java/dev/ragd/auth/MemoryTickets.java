package dev.ragd.auth;

import io.vertx.core.Future;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Tickets in this replica's memory: a ticket works on the replica that issued it only (put a
 * load balancer's session affinity in front, or set {@code RAGD_REDIS_URL}). Bounded: past
 * {@code capacity} live tickets new ones are refused, so a client minting tickets cannot grow it.
 */
public final class MemoryTickets implements TicketStore {

    private record Held(Ticket value, long expiresAtMs) {}

    private final Map<String, Held> tickets = new ConcurrentHashMap<>();
    private final int capacity;
    private final LongSupplier nowMs;

    public MemoryTickets(int capacity, LongSupplier nowMs) {
        this.capacity = capacity;
        this.nowMs = nowMs;
    }

    public MemoryTickets() {
        this(100_000, System::currentTimeMillis);
    }

    @Override
    public Future<Void> put(String ticket, Ticket value, long ttlMs) {
        long now = nowMs.getAsLong();
        if (tickets.size() >= capacity) {
            for (Iterator<Held> it = tickets.values().iterator(); it.hasNext(); ) {
                if (it.next().expiresAtMs() <= now) {
                    it.remove();
                }
            }
            if (tickets.size() >= capacity) {
                return Future.failedFuture(new IllegalStateException("too many WebSocket tickets waiting to be used"));
            }
        }
        tickets.put(key(ticket), new Held(value, now + ttlMs));
        return Future.succeededFuture();
    }

    @Override
    public Future<Ticket> take(String ticket) {
        Held held = tickets.remove(key(ticket));
        return Future.succeededFuture(held == null || held.expiresAtMs() <= nowMs.getAsLong() ? null : held.value());
    }

    static String key(String ticket) {
        return HexFormat.of().formatHex(ApiKeys.sha256(ticket));
    }

    @Override
    public String name() {
        return "memory";
    }
}
