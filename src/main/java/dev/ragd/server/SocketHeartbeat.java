package dev.ragd.server;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pings a WebSocket every {@code RAGD_HEARTBEAT_MS} while an answer is in flight on it, so a proxy
 * or load balancer with an idle timeout does not cut a socket waiting for a slow first token. A
 * socket whose pong has not come back by the next ping is dropped (its requests are then cancelled,
 * as when any socket closes): the client or the path to it is gone. No pings while nothing is in
 * flight, so {@code RAGD_IDLE_TIMEOUT_MS} still closes idle sockets as before.
 */
final class SocketHeartbeat {

    private static final Logger log = LoggerFactory.getLogger(SocketHeartbeat.class);
    private static final Buffer PING = Buffer.buffer("ragd");

    private final ServerWebSocket ws;
    private final BooleanSupplier busy;
    private boolean awaitingPong;

    private SocketHeartbeat(ServerWebSocket ws, BooleanSupplier busy) {
        this.ws = ws;
        this.busy = busy;
    }

    /** Starts the heartbeat of {@code ws} on the caller's context; {@code heartbeatMs} 0 starts none. */
    static void attach(Vertx vertx, ServerWebSocket ws, int heartbeatMs, BooleanSupplier busy) {
        if (heartbeatMs <= 0) {
            return;
        }
        SocketHeartbeat beat = new SocketHeartbeat(ws, busy);
        ws.pongHandler(b -> beat.awaitingPong = false);
        // The socket's close and end handlers belong to its protocol and its count: the timer
        // stops itself at its first tick after the close instead.
        vertx.setPeriodic(heartbeatMs, id -> {
            if (ws.isClosed()) {
                vertx.cancelTimer(id);
            } else {
                beat.tick(heartbeatMs);
            }
        });
    }

    private void tick(int heartbeatMs) {
        if (awaitingPong) {
            log.atDebug().addKeyValue("remote", ws.remoteAddress()).addKeyValue("heartbeat_ms", heartbeatMs)
                    .log("no pong before the next ping: dropping the socket");
            HardClose.webSocket(ws);
            return;
        }
        if (busy.getAsBoolean()) {
            awaitingPong = true;
            ws.writePing(PING);
        }
    }
}
