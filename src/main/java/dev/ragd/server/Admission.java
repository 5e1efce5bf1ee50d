package dev.ragd.server;

import dev.ragd.auth.Identity;
import dev.ragd.chat.ChatError;
import dev.ragd.chat.ErrorCodes;
import dev.ragd.chat.RequestOrigin;
import dev.ragd.observe.TraceParent;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.ServerWebSocketHandshake;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one admission point: every request on all three protocols passes the same
 * {@link AdmissionCheck}s in order, then {@link Authentication}: HTTP requests through
 * {@link #handler()} (mounted before every route), WebSocket upgrades through {@link #admit} (in
 * the handshake, before the upgrade is accepted). A cross-cutting rule (origin checks,
 * authentication) is one more step here and so covers all three at once. The caller's W3C trace
 * context and proven {@link Identity} are read here too ({@link #origin}).
 *
 * <p>Why upgrades are not routed through the {@code Router} ({@code toWebSocket()}): the socket
 * guards must be in the channel before its first frame is read, which only the server's WebSocket
 * handler guarantees.
 */
final class Admission {

    private static final Logger log = LoggerFactory.getLogger(Admission.class);
    /** Where an admitted HTTP request's identity is kept in its routing context. */
    static final String IDENTITY = "ragd.identity";

    private final List<AdmissionCheck> checks;
    private final Authentication authentication;
    private final RefusalCounts refused;

    Admission(List<AdmissionCheck> checks, Authentication authentication, RefusalCounts refused) {
        this.checks = List.copyOf(checks);
        this.authentication = authentication;
        this.refused = refused;
    }

    Admission(List<AdmissionCheck> checks) {
        this(checks, Authentication.none(), new RefusalCounts());
    }

    /** The first refusal of any check, or {@code null}. */
    ChatError refusal(AdmissionRequest request) {
        for (AdmissionCheck check : checks) {
            ChatError refusal = check.refusal(request);
            if (refusal != null) {
                return logged(request, refusal);
            }
        }
        return null;
    }

    private ChatError logged(AdmissionRequest request, ChatError refusal) {
        refused.count(refusal.code());
        // The message names the problem, never a credential; the path carries no query string.
        log.atDebug().addKeyValue("path", request.path()).addKeyValue("code", refusal.code()).log(refusal.message());
        return refusal;
    }

    /** The checks, then the caller's identity; fails with a {@link Refusal}. */
    Future<Identity> admit(AdmissionRequest request) {
        ChatError refusal = refusal(request);
        if (refusal != null) {
            return Future.failedFuture(new Refusal(refusal));
        }
        Future<Identity> identified;
        try {
            identified = authentication.identify(request);
        } catch (RuntimeException e) { // an authenticator breaking its contract must not leave the request unanswered
            log.atError().setCause(e).addKeyValue("path", request.path()).log("credential check failed unexpectedly");
            identified = Future.failedFuture(e);
        }
        return identified.recover(e -> Future.failedFuture(e instanceof Refusal r
                ? new Refusal(logged(request, r.error))
                : new Refusal(ChatError.of(ErrorCodes.INTERNAL_ERROR, "the credential could not be checked", false))));
    }

    /** For the router: a refused request is answered with its error (body discarded); others go on with their identity. */
    Handler<RoutingContext> handler() {
        return ctx -> {
            ctx.request().pause(); // the body waits while a credential is checked (a key-set fetch)
            AdmissionRequest request = new AdmissionRequest(ctx.request().method(), ctx.normalizedPath(),
                    ctx.request().query(), ctx.request().headers(), false, host(ctx.request().remoteAddress()));
            onContext(admit(request), ar -> {
                if (ar.succeeded()) {
                    ctx.put(IDENTITY, ar.result());
                    ctx.next(); // the body handler, if the route has one, resumes the request
                } else {
                    EarlyRefusal.answer(ctx, ((Refusal) ar.cause()).error, HttpVerticle.MAX_DISCARD_BYTES);
                }
            });
        };
    }

    /**
     * For a WebSocket handshake: the identity when it may be accepted; a refused one is rejected
     * with the refusal's status before the future fails.
     */
    Future<Identity> admit(ServerWebSocketHandshake h) {
        AdmissionRequest request = new AdmissionRequest(io.vertx.core.http.HttpMethod.GET, h.path(), h.query(),
                h.headers(), true, host(h.remoteAddress()));
        return admit(request).onFailure(e -> h.reject(Wire.httpStatus(((Refusal) e).error)));
    }

    /** Runs {@code then} on the caller's context: a key-set fetch completes on another event loop. */
    static <T> void onContext(Future<T> f, Handler<AsyncResult<T>> then) {
        if (f.isComplete()) {
            then.handle(f);
            return;
        }
        Context caller = Vertx.currentContext();
        f.onComplete(ar -> {
            if (caller == null || caller == Vertx.currentContext()) {
                then.handle(ar);
            } else {
                caller.runOnContext(v -> then.handle(ar));
            }
        });
    }

    private static String host(io.vertx.core.net.SocketAddress address) {
        return address == null ? null : address.hostAddress() != null ? address.hostAddress() : address.toString();
    }

    /** Where an admitted HTTP request came in, on {@code protocol}, and who sent it. */
    static RequestOrigin origin(RoutingContext ctx, String protocol) {
        Identity identity = ctx.get(IDENTITY);
        return origin(ctx.request().headers(), protocol, identity);
    }

    /** Where a request with these headers came in, on {@code protocol}, from {@code identity}. */
    static RequestOrigin origin(MultiMap headers, String protocol, Identity identity) {
        return new RequestOrigin(protocol, TraceParent.parse(headers.get("traceparent")), identity);
    }
}
