package dev.ragd.chat;

import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps an unexpected exception in one of a run's steps (a bug, a sink or generator breaking its
 * contract) from escaping into Vert.x, which would log it and leave the run unfinished for good,
 * holding its connection's in-flight slot and the replica's generation slot. Steps that run as
 * callbacks are {@link #guarded}; the first exception goes to the run's abort, later ones are
 * follow-ons of it. The failure is logged once, at ERROR. Use on the run's context only.
 */
final class RunGuard {

    private static final Logger log = LoggerFactory.getLogger(ChatRun.class);

    private final String logId;
    private final String requestId;
    private final Consumer<Throwable> abort;
    private boolean tripped;
    private boolean logged;

    /** @param abort ends the run after its first unexpected exception; must not throw */
    RunGuard(String logId, String requestId, Consumer<Throwable> abort) {
        this.logId = logId;
        this.requestId = requestId;
        this.abort = abort;
    }

    /** {@code step}, with any exception it throws handed to {@link #trip} instead of escaping. */
    <T> Consumer<T> guarded(Consumer<T> step) {
        return value -> {
            try {
                step.accept(value);
            } catch (RuntimeException e) {
                trip(e);
            }
        };
    }

    /** Aborts the run for {@code e}, unless an earlier exception already did. */
    void trip(Throwable e) {
        if (!tripped) {
            tripped = true;
            abort.accept(e);
        }
    }

    /** Logs {@code e} at ERROR, the first time only: a follow-on failure is not news. */
    void logOnce(Throwable e, String phase) {
        if (!logged) {
            logged = true;
            log.atError().addKeyValue("log_id", logId).addKeyValue("request_id", requestId).addKeyValue("phase", phase)
                    .setCause(e).log("request failed unexpectedly");
        }
    }
}
