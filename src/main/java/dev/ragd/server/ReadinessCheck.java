package dev.ragd.server;

/**
 * One condition {@code /readyz} checks, e.g. "the chat-log queue is below its threshold" or (later)
 * "the model's circuit breaker is closed". Called on an event loop for every readiness probe, so it
 * must be cheap and must not block.
 */
@FunctionalInterface
public interface ReadinessCheck {

    /** {@code null} when ready; otherwise a short reason for operators (no secrets, no user content). */
    String notReadyReason();
}
