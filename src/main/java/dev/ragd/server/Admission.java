package dev.ragd.server;

import dev.ragd.chat.ChatError;
import dev.ragd.chat.RequestOrigin;
import dev.ragd.observe.TraceParent;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.http.ServerWebSocketHandshake;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one admission point: every request on all three protocols passes the same
 * {@link AdmissionCheck}s in order: HTTP requests through {@link #handler()} (mounted before every
 * route), WebSocket upgrades through {@link #admits} (in the handshake, before the upgrade is
 * accepted). A cross-cutting rule (origin checks, authentication) is one more check here and so
 * covers all three at once. The caller's W3C trace context is read here too ({@link #origin}).
 *
 * <p>Why upgrades are not routed through the {@code Router} ({@code toWebSocket()}): the socket
 * guards must be in the channel before its first frame is read, which only the server's WebSocket
 * handler guarantees.
 */
final class Admission {

    private static final Logger log = LoggerFactory.getLogger(Admission.class);

    private final List<AdmissionCheck> checks;

    Admission(List<AdmissionCheck> checks) {
        this.checks = List.copyOf(checks);
    }

    /** The first refusal of any check, or {@code null}. */
    ChatError refusal(AdmissionRequest request) {
        for (AdmissionCheck check : checks) {
            ChatError refusal = check.refusal(request);
            if (refusal != null) {
                log.atDebug().addKeyValue("path", request.path()).addKeyValue("code", refusal.code())
                        .log(refusal.message());
                return refusal;
            }
        }
        return null;
    }

    /** For the router: a refused request is answered with its error (body discarded); others go on. */
    Handler<RoutingContext> handler() {
        return ctx -> {
            ChatError refusal = refusal(new AdmissionRequest(ctx.request().method(), ctx.normalizedPath(),
                    ctx.request().headers(), false));
            if (refusal != null) {
                EarlyRefusal.answer(ctx, refusal, HttpVerticle.MAX_DISCARD_BYTES);
            } else {
                ctx.next();
            }
        };
    }

    /** For a WebSocket handshake: true when it may be accepted; otherwise it is rejected with the refusal's status. */
    boolean admits(ServerWebSocketHandshake h) {
        ChatError refusal = refusal(new AdmissionRequest(io.vertx.core.http.HttpMethod.GET, h.path(), h.headers(), true));
        if (refusal == null) {
            return true;
        }
        h.reject(Wire.httpStatus(refusal));
        return false;
    }

    /** Where a request with these headers came in, on {@code protocol}. */
    static RequestOrigin origin(MultiMap headers, String protocol) {
        return new RequestOrigin(protocol, TraceParent.parse(headers.get("traceparent")));
    }
}
