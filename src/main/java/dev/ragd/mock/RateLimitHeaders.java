package dev.ragd.mock;

import io.vertx.core.http.HttpServerResponse;
import java.util.function.LongSupplier;

/**
 * The per-minute quota of a deployment and the rate-limit headroom headers OpenAI and Azure OpenAI
 * send on every response ({@code x-ratelimit-limit-requests}, {@code x-ratelimit-remaining-requests},
 * and the same for tokens). Each admitted request takes one request and its token cost from the
 * current wall-clock minute's budget; the budget resets when the minute turns.
 *
 * <p>A quota from {@link MockLlmOptions#rpm()} or {@link MockLlmOptions#tpm()} is enforced: a request
 * the remaining budget cannot pay is refused (not charged) with the seconds until the minute resets,
 * as Azure OpenAI does. A quota of 0 is not enforced; the headers then report the nominal limits
 * ({@link MockLlmOptions#NOMINAL_RPM}, {@link MockLlmOptions#NOMINAL_TPM}), floored at 0 remaining.
 * Thread-safe (the listeners on several event loops share one quota).
 */
final class RateLimitHeaders {

    /**
     * What is left of this minute's budget after a request.
     *
     * @param admitted          false when the request was refused for the quota (nothing was charged)
     * @param limitRequests     requests per minute (the nominal one when not enforced)
     * @param remainingRequests requests left this minute, at least 0
     * @param limitTokens       tokens per minute (the nominal one when not enforced)
     * @param remainingTokens   tokens left this minute, at least 0
     * @param resetMs           milliseconds until the minute resets, at least 1
     * @param tokensRefused     true when the refusal was for tokens (false: for requests, or admitted)
     */
    record Headroom(boolean admitted, long limitRequests, long remainingRequests, long limitTokens,
            long remainingTokens, long resetMs, boolean tokensRefused) {

        /** Whole seconds until the minute resets, rounded up: the {@code Retry-After} of a refusal. */
        int retryAfterS() {
            return (int) Math.max(1, (resetMs + 999) / 1000);
        }

        /** The 429 of this refusal, with its retry headers put on {@code response}: retry when the minute resets. */
        ApiError refusal(HttpServerResponse response, boolean azure, String operation, String apiVersion) {
            int seconds = retryAfterS();
            response.putHeader("retry-after", String.valueOf(seconds));
            if (azure) {
                response.putHeader("retry-after-ms", String.valueOf(resetMs));
            }
            return ApiError.quotaExceeded(azure, operation, apiVersion, seconds, tokensRefused,
                    tokensRefused ? limitTokens : limitRequests);
        }

        void put(HttpServerResponse response) {
            long resetS = retryAfterS();
            response.putHeader("x-ratelimit-limit-requests", Long.toString(limitRequests))
                    .putHeader("x-ratelimit-remaining-requests", Long.toString(remainingRequests))
                    .putHeader("x-ratelimit-limit-tokens", Long.toString(limitTokens))
                    .putHeader("x-ratelimit-remaining-tokens", Long.toString(remainingTokens))
                    .putHeader("x-ratelimit-reset-requests", resetS + "s")
                    .putHeader("x-ratelimit-reset-tokens", resetS + "s");
        }
    }

    /** The 429 of a drawn rate limit ({@code --rate-429}), with its retry headers put on {@code response}. */
    static ApiError refused(HttpServerResponse response, boolean azure, String operation, String apiVersion, int seconds) {
        response.putHeader("retry-after", String.valueOf(seconds)).putHeader("x-ratelimit-remaining-requests", "0");
        if (azure) {
            response.putHeader("retry-after-ms", String.valueOf(seconds * 1000L));
        } else {
            response.putHeader("x-ratelimit-reset-requests", seconds + "s");
        }
        return ApiError.rateLimited(azure, operation, apiVersion, seconds);
    }

    private final LongSupplier clockMs;
    private final long rpm;
    private final long tpm;
    private long minute = Long.MIN_VALUE;
    private long requests;
    private long tokens;

    /** @param rpm requests per minute, 0 = not enforced; @param tpm tokens per minute, 0 = not enforced */
    RateLimitHeaders(LongSupplier clockMs, long rpm, long tpm) {
        this.clockMs = clockMs;
        this.rpm = rpm;
        this.tpm = tpm;
    }

    /** Takes one request and {@code cost} tokens from this minute's budget when it can pay them. */
    synchronized Headroom take(long cost) {
        long now = roll();
        long c = Math.max(0, cost);
        boolean requestsOut = rpm > 0 && requests + 1 > rpm;
        boolean tokensOut = tpm > 0 && tokens + c > tpm;
        boolean admitted = !requestsOut && !tokensOut;
        if (admitted) {
            requests++;
            tokens += c;
        }
        return headroom(now, admitted, tokensOut && !requestsOut);
    }

    /** This minute's headroom without charging anything (for requests refused before admission). */
    synchronized Headroom peek() {
        return headroom(roll(), true, false);
    }

    private long roll() {
        long now = clockMs.getAsLong();
        long m = Math.floorDiv(now, 60_000L);
        if (m != minute) {
            minute = m;
            requests = 0;
            tokens = 0;
        }
        return now;
    }

    private Headroom headroom(long now, boolean admitted, boolean tokensRefused) {
        long limitRequests = rpm > 0 ? rpm : MockLlmOptions.NOMINAL_RPM;
        long limitTokens = tpm > 0 ? tpm : MockLlmOptions.NOMINAL_TPM;
        long remainingRequests = Math.max(0, limitRequests - requests);
        long remainingTokens = Math.max(0, limitTokens - tokens);
        if (!admitted) {
            // what Azure reports on a quota 429: the exhausted budget reads 0
            if (tokensRefused) {
                remainingTokens = 0;
            } else {
                remainingRequests = 0;
            }
        }
        long resetMs = Math.max(1, 60_000L - Math.floorMod(now, 60_000L));
        return new Headroom(admitted, limitRequests, remainingRequests, limitTokens, remainingTokens, resetMs,
                tokensRefused);
    }
}
