package dev.ragd.retrieval;

/**
 * A search service refused or could not be reached for the whole search budget (it throttled
 * with 429, was unavailable with 503, or did not answer). Retryable: the client gets
 * {@code search_unavailable} with {@link #retryAfterMs()}.
 */
public final class SearchUnavailableException extends RuntimeException {

    private final int status;
    private final long retryAfterMs;

    /**
     * @param status       the last HTTP status (0: no response)
     * @param retryAfterMs when the service said to come back (or ragd's own back-off), in ms
     */
    public SearchUnavailableException(String message, int status, long retryAfterMs, Throwable cause) {
        super(message, cause);
        this.status = status;
        this.retryAfterMs = retryAfterMs;
    }

    public int status() {
        return status;
    }

    public long retryAfterMs() {
        return retryAfterMs;
    }
}
