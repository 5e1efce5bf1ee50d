package dev.ragd.auth;

import io.vertx.core.Future;

/**
 * Where short-lived, single-use WebSocket tickets wait to be redeemed. A browser cannot set a
 * header on a WebSocket, so a page trades its credential for a ticket over HTTP and opens the
 * socket with the ticket; a ticket seen in a log is already used or about to expire.
 *
 * <p>Contract: thread-safe, never blocks. {@link #take} returns a ticket's value at most once,
 * however many callers race for it (on any replica sharing the store), and never after its time
 * to live. Tickets are stored under a hash of their value, so the store's contents cannot be
 * replayed as tickets.
 */
public interface TicketStore {

    /** Keeps {@code ticket} for {@code ttlMs}; fails when the store is full or unreachable. */
    Future<Void> put(String ticket, Ticket value, long ttlMs);

    /** The ticket's value, removed; {@code null} when unknown, used or expired. */
    Future<Ticket> take(String ticket);

    /** {@code memory} or {@code redis}. */
    String name();
}
