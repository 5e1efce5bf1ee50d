package dev.ragd.mock;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import java.util.List;

/**
 * One server-sent-event stream: frames written in order, the first after the time to first token,
 * each further content token after the per-token delay, writes paused while the client's write queue
 * is full. A stalled stream stops before a content token and stays open; a cut stream sends an
 * in-stream {@code data: {"error": ...}} event there instead and ends. When the client closes the
 * connection first, the pending timer is cancelled at once and the stream counts as cancelled.
 * All methods run on the response's event loop.
 */
final class ChatStream {

    /** One SSE frame ({@code data: ...\n\n}) and the number of content tokens it carries. */
    record Frame(String sse, int tokens) {}

    /** What OpenAI sends when a stream fails after it started: an error event, then the end of the body. */
    static final String CUT_EVENT = "data: {\"error\":{\"message\":\"The server had an error while processing your "
            + "request. Sorry about that!\",\"type\":\"server_error\",\"param\":null,\"code\":null}}\n\n";

    private final Vertx vertx;
    private final HttpServerResponse response;
    private final MockStats stats;
    private final List<Frame> frames;
    private Frame pending;
    private final long ttftMs;
    private final long tokenMs;
    private final int stallAfter;
    private final int cutAfter;
    private final Runnable onDone;
    private int next;
    private int tokensSent;
    private boolean delayServed;
    private boolean headersSent;
    private boolean done;
    private long timer = -1;

    /**
     * @param stallAfter content tokens to send before stalling, or -1 for a stream that does not stall
     * @param cutAfter   content tokens to send before the error event, or -1 for a stream that is not cut
     */
    ChatStream(Vertx vertx, HttpServerResponse response, MockStats stats, List<Frame> frames, long ttftMs,
            long tokenMs, int stallAfter, int cutAfter, Runnable onDone) {
        this.vertx = vertx;
        this.response = response;
        this.stats = stats;
        this.frames = frames;
        this.ttftMs = ttftMs;
        this.tokenMs = tokenMs;
        this.stallAfter = stallAfter;
        this.cutAfter = cutAfter;
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
                if (tokensSent == cutAfter) {
                    done = true;
                    stats.cut();
                    finish(); // counters first: a client that has read the end must see them settled
                    response.end(CUT_EVENT);
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
        finish(); // counters first: a client that has read the end must see them settled
        response.end();
    }

    private void finish() {
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
