package dev.ragd.observe;

import java.util.Map;

/**
 * Hears one model call (all its attempts), on the request's context. Implementations must not
 * throw and must not block.
 */
public interface ModelCallObserver {

    ModelCallObserver NONE = new ModelCallObserver() {};

    /**
     * Headers the call sends upstream so the model call joins the request's trace (W3C
     * {@code traceparent}); empty when nobody traces.
     */
    default Map<String, String> headers() {
        return Map.of();
    }

    /**
     * An attempt failed before any token and will be retried after {@code delayMs}.
     *
     * @param errorType the failure's kind in snake_case ({@code rate_limited}, {@code unavailable}, {@code timeout}…)
     * @param status    the HTTP status, 0 when there was none
     */
    default void retrying(String errorType, int status, int attempt, long delayMs, String detail) {}

    /** The upstream's {@code x-ratelimit-remaining-*} headers on a response; {@code null} when absent. */
    default void rateLimit(Long remainingRequests, Long remainingTokens) {}

    /** The first content chunk arrived. */
    default void firstChunk() {}

    /**
     * The call succeeded.
     *
     * @param finishReason the model's finish reason (e.g. {@code stop}, {@code length}), or {@code null}
     */
    default void succeeded(int inputTokens, int outputTokens, String finishReason) {}

    /**
     * The call failed for good (retries spent, or not retryable); {@code outputTokens} were streamed before.
     *
     * @param errorType as in {@link #retrying}; {@code circuit_open} when the breaker refused it
     */
    default void failed(String errorType, int status, int attempts, int outputTokens, String detail) {}

    /** The client went away and the call was abandoned. */
    default void cancelled() {}
}
