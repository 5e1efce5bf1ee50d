package dev.ragd.server;

import dev.ragd.auth.Authenticator;
import dev.ragd.auth.MemoryTickets;
import dev.ragd.auth.TicketStore;

/**
 * How the server proves who is calling (see {@link Authentication}).
 *
 * @param authenticator checks keys or tokens; {@code null} for {@code RAGD_AUTH=none}
 * @param tickets       where WebSocket tickets wait ({@code POST /v1/ws-ticket})
 * @param ticketTtlMs   how long a ticket may wait to be used
 */
public record ServerAuth(Authenticator authenticator, TicketStore tickets, long ticketTtlMs) {

    /** Everyone is anonymous. */
    public static ServerAuth none() {
        return new ServerAuth(null, new MemoryTickets(), 30_000);
    }
}
