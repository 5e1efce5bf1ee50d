package dev.ragd.server;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.WebSocketBase;
import io.vertx.core.streams.WriteStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Lets several requests wait for one connection's drain event (a WriteStream holds a single
 * drain handler, but one WebSocket carries many requests). Used on the connection's event loop only.
 */
final class DrainSignal {

    private final WriteStream<?> stream;
    private List<Handler<Void>> waiters = new ArrayList<>();

    DrainSignal(WriteStream<?> stream) {
        this.stream = stream;
        stream.drainHandler(v -> fire());
    }

    /** False once the connection is gone: a token racing the close is dropped, not an error. */
    boolean writeQueueFull() {
        if (stream instanceof WebSocketBase ws && ws.isClosed()
                || stream instanceof HttpServerResponse r && (r.closed() || r.ended())) {
            return false;
        }
        return stream.writeQueueFull();
    }

    /** Calls {@code handler} once, at the next drain. */
    void await(Handler<Void> handler) {
        waiters.add(handler);
    }

    private void fire() {
        List<Handler<Void>> ready = waiters;
        waiters = new ArrayList<>();
        ready.forEach(h -> h.handle(null));
    }
}
