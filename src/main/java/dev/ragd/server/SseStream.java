package dev.ragd.server;

import dev.ragd.chat.ChatError;
import dev.ragd.resume.Frame;
import dev.ragd.resume.FramePump;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;

/**
 * A streaming answer's frames as server-sent events on one response: {@code event: <type>},
 * {@code data: <native frame>} and {@code id: <seq>} (what an {@code EventSource} sends back as
 * {@code Last-Event-ID} to resume), written with the response's back-pressure, plus a comment line
 * ({@code : heartbeat}) whenever nothing was written for {@code RAGD_HEARTBEAT_MS}, so a proxy's idle
 * timeout does not cut a stream waiting for the model. An error before anything was sent is the
 * JSON error body with its status instead.
 */
final class SseStream implements FramePump.Output {

    private static final String HEARTBEAT = ": heartbeat\n\n";

    private final String id;
    private final String logId;
    private final HttpServerResponse response;
    private final Context context;
    private final DrainSignal drain;
    private final TokenFrame tokenFrame;
    private final int heartbeatMs;
    private long lastWriteNanos = System.nanoTime();
    private Runnable onStall = () -> {};

    SseStream(String id, String logId, HttpServerResponse response, ServerSettings settings) {
        this.id = id;
        this.logId = logId;
        this.response = response;
        this.context = Vertx.currentContext();
        this.heartbeatMs = settings.edge().heartbeatMs();
        // The body was read before the answer starts: there is nothing to pause reading of.
        this.drain = new DrainSignal(response, null, settings.edge().writeStallTimeoutMs(), () -> onStall.run());
        this.tokenFrame = Wire.tokenFrame(id).wrapped("event: token\ndata: ", "\nid: ");
    }

    /** What happens when the client leaves the stream unread past {@code RAGD_WRITE_STALL_TIMEOUT_MS}. */
    void onStall(Runnable action) {
        this.onStall = action;
    }

    /** Writes the status and headers of the event stream and starts the heartbeat. */
    void begin() {
        if (response.headWritten()) {
            return;
        }
        response.setStatusCode(200).setChunked(true)
                .putHeader("content-type", "text/event-stream; charset=utf-8")
                .putHeader("cache-control", "no-cache")
                .putHeader("x-accel-buffering", "no");
        if (heartbeatMs > 0) {
            // Ticks at half the period and beats after half a period of silence: no gap exceeds it.
            long half = Math.max(1, heartbeatMs / 2);
            Vertx vertx = context.owner();
            vertx.setPeriodic(half, timer -> {
                if (response.ended() || response.closed()) {
                    vertx.cancelTimer(timer);
                } else if (System.nanoTime() - lastWriteNanos >= half * 1_000_000L && !drain.writeQueueFull()) {
                    write(HEARTBEAT);
                }
            });
        }
    }

    @Override
    public Context context() {
        return context;
    }

    @Override
    public boolean writeQueueFull() {
        return drain.writeQueueFull();
    }

    @Override
    public void drainHandler(Handler<Void> handler) {
        drain.await(handler);
    }

    @Override
    public void write(Frame frame) {
        if (!response.headWritten()) {
            if (frame.type().equals("error")) {
                HttpChat.sendError(response, new ChatError(frame.fields().getString("code"),
                        frame.fields().getString("message"), frame.fields().getBoolean("retryable", false),
                        frame.fields().getLong("retry_after_ms")));
                return;
            }
            begin();
        }
        if (frame.text() != null) {
            write(tokenFrame.render(frame.seq(), frame.text()) + frame.seq() + "\n\n");
        } else {
            write("event: " + frame.type() + "\ndata: " + frame.toClient(id).encode() + "\nid: " + frame.seq() + "\n\n");
        }
        if (frame.last()) {
            end();
        }
    }

    @Override
    public void lost(long afterSeq) {
        event("error", Wire.errorFrame(id, Resumption.lost(logId, afterSeq)).encode());
        end();
    }

    @Override
    public void replaced() {
        end(); // another connection resumed the answer and reads it now
    }

    /** One event without an {@code id} line (not a frame of the answer). */
    void event(String type, String data) {
        begin();
        write("event: " + type + "\ndata: " + data + "\n\n");
    }

    void end() {
        if (!response.ended() && !response.closed()) {
            response.end();
        }
    }

    private void write(String text) {
        if (!response.ended() && !response.closed()) {
            lastWriteNanos = System.nanoTime();
            response.write(text);
            drain.wrote();
        }
    }
}
