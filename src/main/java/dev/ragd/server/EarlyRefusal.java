package dev.ragd.server;

import dev.ragd.chat.ChatError;
import io.vertx.core.Future;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;

/**
 * Refuses a request before its body is read (too large, cross-site, not JSON): answers at once
 * (before any {@code 100 Continue}) with {@code Connection: close}, and closes the connection once
 * the client has sent what it announced. Closing while it is still uploading would reset the
 * connection under its feet, and a client that writes its whole body before reading would never see
 * the answer; so the rest is read and dropped, bounded by {@code maxDiscardBytes} and, in time, by
 * the request timeout.
 */
final class EarlyRefusal {

    private EarlyRefusal() {}

    static void answer(RoutingContext ctx, ChatError error, long maxDiscardBytes) {
        HttpServerRequest request = ctx.request();
        HttpConnection connection = request.connection();
        Future<Void> answered = HttpChat.sendError(ctx.response().putHeader("cache-control", "no-store")
                .putHeader("connection", "close"), error);
        // Refused on its headers before any 100 Continue: a client that expects one sends nothing more.
        boolean neverAskedForTheBody = "100-continue".equalsIgnoreCase(request.getHeader(HttpHeaders.EXPECT))
                && request.getHeader(HttpHeaders.CONTENT_LENGTH) != null;
        if (request.isEnded() || neverAskedForTheBody) {
            answered.onComplete(ar -> connection.close());
            return;
        }
        long[] discarded = {0};
        request.handler(buf -> {
            discarded[0] += buf.length();
            if (discarded[0] > maxDiscardBytes) {
                connection.close();
            }
        });
        request.endHandler(v -> answered.onComplete(ar -> connection.close()));
        request.resume();
    }
}
