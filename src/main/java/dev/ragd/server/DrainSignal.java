package dev.ragd.server;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketBase;
import io.vertx.core.streams.ReadStream;
import io.vertx.core.streams.WriteStream;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection's back-pressure: lets several requests wait for the connection's drain event (a
 * WriteStream holds a single drain handler, but one WebSocket carries many requests), stops reading
 * the client's next frames while its replies pile up unread, and gives up on a client that leaves
 * them unread too long.
 *
 * <p>Contract: created and used on the connection's event loop only. Every write to the stream is
 * followed by {@link #wrote()}. While the write queue is full, reading is paused (so a client that
 * sends without reading is slowed to the pace it reads, and its frames wait in TCP buffers rather
 * than in server memory); at the drain, reading resumes and the waiters run. When the queue stays
 * full for {@code stallMs}, {@code onStall} runs once (it closes the connection).
 */
final class DrainSignal {

    private static final Logger log = LoggerFactory.getLogger(DrainSignal.class);

    private final WriteStream<?> stream;
    private final ReadStream<?> reads;
    private final long stallMs;
    private final Runnable onStall;
    private final Vertx vertx;
    private List<Handler<Void>> waiters = new ArrayList<>();
    private long stallTimer = -1;
    private boolean readsPaused;
    private boolean stalled;

    /**
     * @param reads   the client's side of the connection, paused while replies pile up; {@code null}
     *                when there is nothing more to read (an HTTP request whose body was read)
     * @param stallMs how long the write queue may stay full before {@code onStall} runs
     */
    DrainSignal(WriteStream<?> stream, ReadStream<?> reads, long stallMs, Runnable onStall) {
        this.stream = stream;
        this.reads = reads;
        this.stallMs = stallMs;
        this.onStall = onStall;
        this.vertx = Vertx.currentContext().owner();
        stream.drainHandler(v -> fire());
    }

    /**
     * For a WebSocket: reading pauses while replies pile up; when they stay unread for the whole
     * bound, {@code cancel} cancels the socket's requests (they are logged as {@code cancelled}), the
     * close frame (1008, naming the bound) is queued behind the unread replies, and if the client
     * still reads nothing for another bound, the connection is dropped.
     */
    static DrainSignal webSocket(ServerWebSocket ws, long stallMs, Runnable cancel) {
        return new DrainSignal(ws, ws, stallMs, () -> {
            log.atInfo().addKeyValue("path", ws.path()).addKeyValue("write_stall_ms", stallMs)
                    .log("closing a WebSocket whose client leaves its replies unread");
            cancel.run();
            ws.close(BadRequestException.POLICY_VIOLATION,
                    "replies left unread for " + stallMs + " ms (RAGD_WRITE_STALL_TIMEOUT_MS)");
            Vertx.currentContext().owner().setTimer(stallMs, t -> HardClose.webSocket(ws));
        });
    }

    /** False once the connection is gone: a token racing the close is dropped, not an error. */
    boolean writeQueueFull() {
        return !gone() && stream.writeQueueFull();
    }

    /** After a write: when the queue is now full, stop reading the client and start the stall clock. */
    void wrote() {
        if (stalled || !writeQueueFull()) {
            return;
        }
        if (reads != null && !readsPaused) {
            readsPaused = true;
            reads.pause();
        }
        if (stallTimer < 0) {
            stallTimer = vertx.setTimer(stallMs, id -> {
                stallTimer = -1;
                if (writeQueueFull()) {
                    stalled = true;
                    onStall.run();
                }
            });
        }
    }

    /** Calls {@code handler} once, at the next drain. */
    void await(Handler<Void> handler) {
        waiters.add(handler);
    }

    private boolean gone() {
        return stream instanceof WebSocketBase ws && ws.isClosed()
                || stream instanceof HttpServerResponse r && (r.closed() || r.ended());
    }

    private void fire() {
        if (stallTimer >= 0) {
            vertx.cancelTimer(stallTimer);
            stallTimer = -1;
        }
        if (readsPaused && !stalled) {
            readsPaused = false;
            reads.resume();
        }
        List<Handler<Void>> ready = waiters;
        waiters = new ArrayList<>();
        ready.forEach(h -> h.handle(null));
    }
}
