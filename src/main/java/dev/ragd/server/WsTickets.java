package dev.ragd.server;

import dev.ragd.auth.Identity;
import dev.ragd.auth.Ticket;
import dev.ragd.auth.TicketAllowance;
import dev.ragd.chat.ChatError;
import dev.ragd.chat.ErrorCodes;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * {@code POST /v1/ws-ticket}: trades the caller's credential (checked by {@link Admission} like any
 * {@code /v1/} request) for a single-use ticket that opens one WebSocket within its time to live,
 * as the subprotocol {@code ticket.<ticket>}. The ticket is bound to the page origin that asked
 * for it: a page of another site that somehow learns it still cannot open a socket with it. An
 * identity asking for more than its {@link TicketAllowance} gets a retryable {@code quota_exceeded}.
 */
final class WsTickets implements Handler<RoutingContext> {

    static final String PATH = "/v1/ws-ticket";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Authentication authentication;

    WsTickets(Authentication authentication) {
        this.authentication = authentication;
    }

    @Override
    public void handle(RoutingContext ctx) {
        Identity identity = ctx.get(Admission.IDENTITY);
        if (!authentication.required() || identity == null || !identity.authenticated()) {
            HttpChat.sendError(ctx.response(), ChatError.of(ErrorCodes.BAD_REQUEST,
                    "this server needs no credential (RAGD_AUTH=none), so it issues no tickets", false));
            return;
        }
        long wait = authentication.ticketAllowance().take(identity.user());
        if (wait > 0) {
            HttpChat.sendError(ctx.response(), new ChatError(ErrorCodes.QUOTA_EXCEEDED, "more than "
                    + TicketAllowance.PER_WINDOW + " WebSocket tickets asked for within " + authentication.ticketTtlMs()
                    + " ms by " + identity.user() + "; use the ones issued, or wait", true, wait));
            return;
        }
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        String ticket = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        long ttl = authentication.ticketTtlMs();
        String origin = ctx.request().getHeader("origin");
        Admission.onContext(authentication.tickets().put(ticket, new Ticket(identity, origin), ttl), ar -> {
            if (ar.failed()) {
                HttpChat.sendError(ctx.response(), new ChatError(ErrorCodes.AUTH_UNAVAILABLE,
                        "no ticket can be issued right now: " + ar.cause().getMessage(), true, 2_000L));
                return;
            }
            ctx.response().setStatusCode(200).putHeader("content-type", HttpChat.JSON)
                    .putHeader("cache-control", "no-store")
                    .end(new JsonObject().put("ticket", ticket).put("subprotocol", Authentication.TICKET_PROTOCOL + ticket)
                            .put("expires_in_ms", ttl).put("user", identity.user()).encode());
        });
    }
}
