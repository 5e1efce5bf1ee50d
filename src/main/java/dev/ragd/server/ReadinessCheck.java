package dev.ragd.server;

import java.util.function.Supplier;

/**
 * One condition {@code /readyz} checks, e.g. "the chat-log queue is below its threshold" or "the
 * model's circuit breaker is closed". Called on an event loop for every readiness probe, so it
 * must be cheap and must not block.
 */
@FunctionalInterface
public interface ReadinessCheck {

    /** {@code null} when ready; otherwise a short reason for operators (no secrets, no user content). */
    String notReadyReason();

    /**
     * True for a condition that degrades the replica without making it unready: it is reported
     * under {@code degraded} while {@code /readyz} stays 200, because taking every replica out of
     * the load balancer for it (a shared cache down) would refuse everyone.
     */
    default boolean advisory() {
        return false;
    }

    /** An {@link #advisory()} check. */
    static ReadinessCheck advisory(Supplier<String> reason) {
        return new ReadinessCheck() {
            @Override
            public String notReadyReason() {
                return reason.get();
            }

            @Override
            public boolean advisory() {
                return true;
            }
        };
    }
}
