package dev.ragd.mock;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import java.util.List;

/**
 * One server-sent-event stream: frames written in order, the first after the time to first token,
 * each further content token after the per-token delay, writes paused while the client's write queue
 * is full. A stalled stream stops before a content token and stays open. When the client closes the
 * connection first, the pending timer is cancelled at once and the stream counts as cancelled.
 * All methods run on the response's event loop.
 */
final class ChatStream {

    /** One SSE frame ({@code data: ...\n\n}) and the number of content tokens it carries. */
    record Frame(String sse, int tokens) {}

    private final Vertx vertx;
    private final HttpServerResponse response;
    private final MockStats stats;
    private final List<Frame> frames;
    private Frame pending;
    private final long ttftMs;
    private final long tokenMs;
    private final int stallAfter;
    private final Runnable onDone;
    private int next;
    private int tokensSent;
    private boolean delayServed;
    private boolean headersSent;
    private boolean done;
    private long timer = -1;

    /** @param stallAfter content tokens to send before stalling, or -1 for a stream that finishes */
    ChatStream(Vertx vertx, HttpServerResponse response, MockStats stats, List<Frame> frames, long ttftMs,
            long tokenMs, int stallAfter, Runnable onDone) {
        this.vertx = vertx;
        this.response = response;
        this.stats = stats;
        this.frames = frames;
        this.ttftMs = ttftMs;
        this.tokenMs = tokenMs;
        this.stallAfter = stallAfter;
        this.onDone = onDone;
    }

    void start() {
        stats.streamOpened();
        response.closeHandler(v -> closedByClient());
        if (ttftMs > 0) {
            timer = vertx.setTimer(ttftMs, id -> {
                timer = -1;
                pump();
            });
        } else {
            pump();
        }
    }

    private void pump() {
        if (done) {
            return;
        }
        if (!headersSent) {
            headersSent = true;
            response.setChunked(true);
            response.headers().set("content-type", "text/event-stream; charset=utf-8")
                    .set("cache-control", "no-cache");
        }
        while (next < frames.size()) {
            if (pending == null) {
                pending = frames.get(next);
            }
            Frame frame = pending;
            if (frame.tokens() > 0) {
                if (tokensSent == stallAfter) {
                    stats.stalled();
                    if (!response.headWritten()) {
                        response.writeHead();
                    }
                    return;
                }
                if (tokensSent > 0 && tokenMs > 0 && !delayServed) {
                    timer = vertx.setTimer(tokenMs, id -> {
                        timer = -1;
                        delayServed = true;
                        pump();
                    });
                    return;
                }
            }
            if (response.writeQueueFull()) {
                response.drainHandler(v -> pump());
                return;
            }
            response.write(frame.sse());
            pending = null;
            next++;
            if (frame.tokens() > 0) {
                delayServed = false;
                tokensSent += frame.tokens();
                stats.tokens(frame.tokens());
            }
        }
        done = true;
        response.end();
        stats.streamClosed(false);
        onDone.run();
    }

    private void closedByClient() {
        if (done) {
            return;
        }
        done = true;
        if (timer >= 0) {
            vertx.cancelTimer(timer);
            timer = -1;
        }
        stats.streamClosed(true);
        onDone.run();
    }
}
