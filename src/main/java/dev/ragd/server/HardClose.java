package dev.ragd.server;

import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.internal.http.WebSocketInternal;
import io.vertx.core.net.impl.ConnectionBase;

/**
 * Drops a connection at once, with whatever it has not sent yet. Vert.x's own close first flushes
 * the pending writes, and against a client that does not read that flush never ends: the socket and
 * its buffers would stay for as long as the client likes.
 */
final class HardClose {

    private HardClose() {}

    static void webSocket(ServerWebSocket ws) {
        if (ws instanceof WebSocketInternal internal) {
            internal.channelHandlerContext().channel().close();
        } else {
            ws.close();
        }
    }

    static void http(HttpConnection connection) {
        if (connection instanceof ConnectionBase base) {
            base.channel().close();
        } else {
            connection.close();
        }
    }
}
