package dev.ragd.llm.openai;

import io.vertx.core.Handler;
import java.util.ArrayDeque;
import java.util.function.BooleanSupplier;

/**
 * Tokens held back while the client is paused, and the end (or failure) that must follow them.
 * Tokens pass straight through when nothing is held; order is always kept. Use on one context only.
 */
final class TokenQueue {

    private final ArrayDeque<String> pending = new ArrayDeque<>();
    private final BooleanSupplier holding;
    private Handler<String> sink;
    private Runnable terminal;

    /** @param holding true while tokens must be held (paused or cancelled) */
    TokenQueue(BooleanSupplier holding) {
        this.holding = holding;
    }

    void sink(Handler<String> sink) {
        this.sink = sink;
    }

    void offer(String token) {
        if (holding.getAsBoolean() || !pending.isEmpty()) {
            pending.add(token);
        } else if (sink != null) {
            sink.handle(token);
        }
    }

    /** Runs {@code action} once every held token is delivered: now, or at a later {@link #drain()}. */
    void then(Runnable action) {
        terminal = action;
        drain();
    }

    void drain() {
        while (!holding.getAsBoolean() && !pending.isEmpty()) {
            String token = pending.poll();
            if (sink != null) {
                sink.handle(token);
            }
        }
        if (!holding.getAsBoolean() && pending.isEmpty() && terminal != null) {
            Runnable t = terminal;
            terminal = null;
            t.run();
        }
    }

    void clear() {
        pending.clear();
        terminal = null;
    }
}
