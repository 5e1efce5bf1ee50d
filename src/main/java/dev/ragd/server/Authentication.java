package dev.ragd.server;

import dev.ragd.auth.AuthException;
import dev.ragd.auth.Authenticator;
import dev.ragd.auth.Identity;
import dev.ragd.auth.Ticket;
import dev.ragd.auth.TicketAllowance;
import dev.ragd.auth.TicketStore;
import dev.ragd.chat.ChatError;
import dev.ragd.chat.ErrorCodes;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Who a request is from, proven by its credential: the last step of {@link Admission}, on every
 * protocol. A credential travels as {@code Authorization: Bearer <key or token>} (HTTP, and
 * WebSocket clients that can set headers), or, for browsers, which cannot set headers on a
 * WebSocket, as the subprotocol {@code bearer.<key or token>} or {@code ticket.<ticket>} (from
 * {@code POST /v1/ws-ticket}). Never in the URL: a query string ends up in access logs, so a
 * request that tries is refused, naming the parameter. With {@code RAGD_AUTH=none} every caller is
 * anonymous, known by address. Paths outside {@code /v1/} (the page, probes, metrics) need no
 * credential; WebSocket upgrades always do.
 */
final class Authentication {

    static final String BEARER_PROTOCOL = "bearer.";
    static final String TICKET_PROTOCOL = "ticket.";
    /** Query parameters that look like a credential; refused on sight. */
    private static final Set<String> URL_CREDENTIALS = Set.of("access_token", "token", "id_token", "ticket", "api_key",
            "apikey", "api-key", "key", "authorization", "bearer", "auth", "jwt");

    private final Authenticator authenticator;
    private final TicketStore tickets;
    private final long ticketTtlMs;
    private final TicketAllowance allowance;

    /** @param authenticator {@code null} for {@code RAGD_AUTH=none} */
    Authentication(Authenticator authenticator, TicketStore tickets, long ticketTtlMs) {
        this.authenticator = authenticator;
        this.tickets = tickets;
        this.ticketTtlMs = ticketTtlMs;
        this.allowance = new TicketAllowance(TicketAllowance.PER_WINDOW, ticketTtlMs, System::currentTimeMillis);
    }

    static Authentication none() {
        ServerAuth none = ServerAuth.none();
        return new Authentication(null, none.tickets(), none.ticketTtlMs());
    }

    long ticketTtlMs() {
        return ticketTtlMs;
    }

    boolean required() {
        return authenticator != null;
    }

    TicketStore tickets() {
        return tickets;
    }

    /** How many tickets each identity may still be issued on this replica. */
    TicketAllowance ticketAllowance() {
        return allowance;
    }

    /**
     * The caller's identity; fails with a {@link Refusal} ({@code unauthorized}, 401) naming what is
     * missing or wrong, or {@code auth_unavailable} (503) when credentials cannot be checked now.
     */
    Future<Identity> identify(AdmissionRequest request) {
        Identity anonymous = Identity.anonymous(request.remoteHost());
        if (authenticator == null || !(request.upgrade() || request.path().startsWith("/v1/"))) {
            return Future.succeededFuture(anonymous);
        }
        String inUrl = urlCredential(request.query());
        if (inUrl != null) {
            return refuse(ChatError.of(ErrorCodes.BAD_REQUEST, "credentials in the URL are refused (query parameter "
                    + inUrl + "): URLs end up in logs; send Authorization: Bearer, or the WebSocket subprotocol "
                    + "bearer.<credential> or ticket.<ticket>", false));
        }
        MultiMap headers = request.headers();
        String authorization = headers.get("authorization");
        if (authorization != null) {
            String[] parts = authorization.strip().split("\\s+", 2);
            if (parts.length != 2 || !parts[0].equalsIgnoreCase("bearer") || parts[1].isBlank()) {
                return refuse(unauthorized("the Authorization header must be 'Bearer <key or token>'"));
            }
            return check(parts[1].strip());
        }
        if (request.upgrade()) {
            for (String offered : subprotocols(headers)) {
                if (offered.startsWith(BEARER_PROTOCOL)) {
                    return check(offered.substring(BEARER_PROTOCOL.length()));
                }
                if (offered.startsWith(TICKET_PROTOCOL)) {
                    return redeem(offered.substring(TICKET_PROTOCOL.length()), headers.get("origin"));
                }
            }
        }
        return refuse(unauthorized("this server needs a credential: Authorization: Bearer <key or token>"
                + (request.upgrade() ? ", or the WebSocket subprotocol bearer.<key or token> or ticket.<ticket>" : "")));
    }

    private Future<Identity> check(String credential) {
        return authenticator.authenticate(credential).recover(e -> refuse(e instanceof AuthException a && a.retryable()
                ? new ChatError(ErrorCodes.AUTH_UNAVAILABLE, a.getMessage(), true, 5_000L)
                : unauthorized(e instanceof AuthException ? e.getMessage() : "the credential is not accepted")));
    }

    private Future<Identity> redeem(String ticket, String origin) {
        return tickets.take(ticket).recover(e -> refuse(new ChatError(ErrorCodes.AUTH_UNAVAILABLE,
                "tickets cannot be checked right now; use the bearer subprotocol or retry", true, 2_000L)))
                .compose(t -> {
                    if (t == null) {
                        return refuse(unauthorized("the ticket is unknown, already used or expired; ask POST /v1/ws-ticket for a new one"));
                    }
                    if (t.origin() != null && !t.origin().equalsIgnoreCase(origin == null ? "" : origin)) {
                        return refuse(ChatError.of(ErrorCodes.ORIGIN_NOT_ALLOWED,
                                "the ticket was issued to a page of another origin", false));
                    }
                    return Future.succeededFuture(t.identity());
                });
    }

    /** The subprotocols a WebSocket client offers, in its order. */
    static List<String> subprotocols(MultiMap headers) {
        return headers.getAll("sec-websocket-protocol").stream()
                .flatMap(v -> java.util.Arrays.stream(v.split(","))).map(String::strip).filter(s -> !s.isEmpty())
                .toList();
    }

    private static String urlCredential(String query) {
        if (query == null || query.isEmpty()) {
            return null;
        }
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            String name = (eq < 0 ? pair : pair.substring(0, eq)).toLowerCase(Locale.ROOT);
            if (URL_CREDENTIALS.contains(name)) {
                return name;
            }
        }
        return null;
    }

    static ChatError unauthorized(String message) {
        return ChatError.of(ErrorCodes.UNAUTHORIZED, message, false);
    }

    private static <T> Future<T> refuse(ChatError error) {
        return Future.failedFuture(new Refusal(error));
    }
}
