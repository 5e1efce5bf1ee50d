package dev.ragd.server;

import io.netty.channel.Channel;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.internal.http.WebSocketInternal;
import io.vertx.core.net.impl.ConnectionBase;

/**
 * Drops a connection at once, with whatever it has not sent yet. Vert.x's own close (also a plain
 * Netty {@code channel.close()}, which passes through Vert.x's handler) first flushes the pending
 * writes, and against a client that does not read that flush never ends: the socket and its
 * buffers would stay for as long as the client likes. Closing from the front of the pipeline goes
 * straight to the transport.
 */
final class HardClose {

    private HardClose() {}

    static void webSocket(ServerWebSocket ws) {
        if (ws instanceof WebSocketInternal internal) {
            drop(internal.channelHandlerContext().channel());
        } else {
            ws.close();
        }
    }

    static void http(HttpConnection connection) {
        if (connection instanceof ConnectionBase base) {
            drop(base.channel());
        } else {
            connection.close();
        }
    }

    private static void drop(Channel channel) {
        var first = channel.pipeline().firstContext();
        if (first != null) {
            first.close(); // an outbound close from here reaches the transport, skipping every handler after it
        } else {
            channel.close();
        }
    }
}
