package dev.ragd.mock;

import io.vertx.core.http.HttpServerResponse;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The rate-limit headroom headers OpenAI and Azure OpenAI send on every response
 * ({@code x-ratelimit-limit-requests}, {@code x-ratelimit-remaining-requests}, and the same for
 * tokens), for a quota per minute: each request takes one request and its answer's tokens from the
 * current minute's budget. The mock does not enforce the quota (its 429s come from its own
 * options); it only reports headroom as the real services do, so clients can be tested on it.
 */
final class RateLimitHeaders {

    static final long REQUESTS_PER_MINUTE = 10_000;
    static final long TOKENS_PER_MINUTE = 2_000_000;

    private final LongSupplier clockMs;
    private final AtomicLong minute = new AtomicLong(-1);
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong tokens = new AtomicLong();

    RateLimitHeaders(LongSupplier clockMs) {
        this.clockMs = clockMs;
    }

    /** Takes one request and {@code answerTokens} from this minute's budget and reports what is left. */
    void add(HttpServerResponse response, int answerTokens) {
        long now = clockMs.getAsLong() / 60_000;
        long seen = minute.get();
        if (seen != now && minute.compareAndSet(seen, now)) {
            requests.set(0);
            tokens.set(0);
        }
        long r = requests.incrementAndGet();
        long t = tokens.addAndGet(Math.max(0, answerTokens));
        response.putHeader("x-ratelimit-limit-requests", Long.toString(REQUESTS_PER_MINUTE))
                .putHeader("x-ratelimit-remaining-requests", Long.toString(Math.max(0, REQUESTS_PER_MINUTE - r)))
                .putHeader("x-ratelimit-limit-tokens", Long.toString(TOKENS_PER_MINUTE))
                .putHeader("x-ratelimit-remaining-tokens", Long.toString(Math.max(0, TOKENS_PER_MINUTE - t)));
    }
}
