package dev.ragd.llm;

/**
 * A failure of the model upstream, already classified. Every upstream error (HTTP status, I/O,
 * timeout, open circuit) is turned into one of these in one place, so the pipeline only decides
 * what the client sees: a short honest message, whether retrying may help, and when.
 */
public final class UpstreamException extends RuntimeException {

    /** What went wrong, from the client's point of view. */
    public enum Kind {
        /** 429 from the upstream (or its concurrency cap), retries exhausted. */
        RATE_LIMITED(true),
        /** 5xx, connection refused/reset, retries exhausted. */
        UNAVAILABLE(true),
        /** No response or first token within the timeout. */
        TIMEOUT(true),
        /** The stream stopped sending tokens for longer than the stall timeout. */
        STALLED(true),
        /** The circuit breaker is open: failing fast without calling the upstream. */
        CIRCUIT_OPEN(true),
        /** This replica is at its cap of concurrent generations. */
        BUSY(true),
        /** The stream broke after tokens were sent: never retried, the answer is cut. */
        CUT(true),
        /** 401/403: the key or token is wrong. Retrying will not help. */
        AUTH(false),
        /** 400/404/422 and other client errors: the request or deployment is wrong. */
        BAD_REQUEST(false);

        private final boolean retryable;

        Kind(boolean retryable) {
            this.retryable = retryable;
        }

        public boolean retryable() {
            return retryable;
        }
    }

    private final Kind kind;
    private final Long retryAfterMs;
    private final int status;

    /**
     * @param kind         the classification
     * @param detail       for logs only (may contain upstream text; never a secret); not shown to users
     * @param status       upstream HTTP status, or 0 when there was none
     * @param retryAfterMs when the client may try again, or {@code null}
     */
    public UpstreamException(Kind kind, String detail, int status, Long retryAfterMs, Throwable cause) {
        super(kind + (status > 0 ? " (HTTP " + status + ")" : "") + ": " + detail, cause);
        this.kind = kind;
        this.status = status;
        this.retryAfterMs = retryAfterMs;
    }

    public Kind kind() {
        return kind;
    }

    public boolean retryable() {
        return kind.retryable();
    }

    public Long retryAfterMs() {
        return retryAfterMs;
    }

    public int status() {
        return status;
    }
}
