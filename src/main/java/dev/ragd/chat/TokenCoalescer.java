package dev.ragd.chat;

import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Sends tokens that arrive close together as one token frame: after a frame is written, tokens
 * arriving within the next window are joined and written when it closes. The first token is never
 * held, and {@link #flush()} (before an end or error) writes what is held, so time to first token
 * and the text are unchanged; only frame boundaries move. At tens of thousands of tokens per second
 * per replica, one write (one system call, one client wake-up) per window instead of per token is
 * a large share of what a stream costs. A window of 0 passes every token straight through;
 * {@link #MAX_HELD_CHARS} bounds what is held.
 * Use on the run's context only.
 */
final class TokenCoalescer {

    /**
     * Held text is written at once when it reaches this size: a fast upstream cannot grow a frame
     * without bound, and the connection's write queue (back-pressure) sees the text soon.
     */
    static final int MAX_HELD_CHARS = 1024;

    private final Vertx vertx;
    private final long windowNanos;
    private final Consumer<String> sink;
    private final StringBuilder held = new StringBuilder();
    private long lastWrite;
    private boolean wrote;
    private boolean discarded;
    private long timer = -1;

    TokenCoalescer(Vertx vertx, int windowMs, Consumer<String> sink) {
        this.vertx = vertx;
        this.windowNanos = TimeUnit.MILLISECONDS.toNanos(Math.max(0, windowMs));
        this.sink = sink;
    }

    void offer(String token) {
        if (discarded) {
            return;
        }
        long wait = 0;
        if (timer < 0) {
            long now = System.nanoTime();
            wait = wrote ? lastWrite + windowNanos - now : 0;
            if (wait <= 0) {
                write(token, now);
                return;
            }
        }
        held.append(token);
        if (held.length() >= MAX_HELD_CHARS) {
            flush();
        } else if (timer < 0) {
            timer = vertx.setTimer(Math.max(1, TimeUnit.NANOSECONDS.toMillis(wait)), id -> {
                timer = -1;
                flush();
            });
        }
    }

    /** Writes what is held now. */
    void flush() {
        cancelTimer();
        if (!held.isEmpty() && !discarded) {
            String text = held.toString();
            held.setLength(0);
            write(text, System.nanoTime());
        }
    }

    /** Drops what is held and everything offered later (the client went away). */
    void discard() {
        discarded = true;
        cancelTimer();
        held.setLength(0);
    }

    private void cancelTimer() {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
            timer = -1;
        }
    }

    private void write(String text, long now) {
        wrote = true;
        lastWrite = now;
        sink.accept(text);
    }
}
