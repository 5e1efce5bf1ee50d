package dev.ragd.llm.openai;

import io.vertx.core.Vertx;
import java.util.function.LongSupplier;

/**
 * An inactivity timer with one Vert.x timer per stream: {@link #touch()} records progress cheaply
 * (no timer churn per token); when the timer fires it re-arms for the remaining time, or expires if
 * nothing happened for the current limit. Use on one context only.
 */
final class Watchdog {

    private final Vertx vertx;
    private long timerId = -1;
    private long lastProgress = System.nanoTime();

    Watchdog(Vertx vertx) {
        this.vertx = vertx;
    }

    void touch() {
        lastProgress = System.nanoTime();
    }

    /** (Re)starts the timer: {@code onExpire} runs once {@code limitMs} (read at each check) passes without {@link #touch()}. */
    void arm(LongSupplier limitMs, Runnable onExpire) {
        stop();
        long idle = (System.nanoTime() - lastProgress) / 1_000_000;
        timerId = vertx.setTimer(Math.max(1, limitMs.getAsLong() - idle), t -> {
            timerId = -1;
            long idleNow = (System.nanoTime() - lastProgress) / 1_000_000;
            if (idleNow < limitMs.getAsLong()) {
                arm(limitMs, onExpire);
            } else {
                onExpire.run();
            }
        });
    }

    void stop() {
        if (timerId >= 0) {
            vertx.cancelTimer(timerId);
            timerId = -1;
        }
    }
}
