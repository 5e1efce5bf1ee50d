package dev.ragd.llm.openai;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Backoff between attempts made before the first token: exponential with full jitter
 * ({@code random(0, min(cap, base * 2^retry))}), or, when the upstream said when to come back
 * ({@code Retry-After}, {@code retry-after-ms}), that delay plus up to 10% jitter (at most 1 s).
 * Attempts stop after {@code maxRetries} retries or when the next wait would end past the budget.
 */
public record RetryPolicy(int maxRetries, long budgetMs, long baseMs, long capMs) {

    public static RetryPolicy of(int maxRetries, long budgetMs) {
        return new RetryPolicy(maxRetries, budgetMs, 250, 8_000);
    }

    /** The wait before retry number {@code retry} (0 for the first retry). */
    public long delayMs(int retry, Long retryAfterMs) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        if (retryAfterMs != null) {
            long jitter = Math.min(retryAfterMs / 10, 1_000);
            return retryAfterMs + (jitter > 0 ? random.nextLong(jitter + 1) : 0);
        }
        long ceiling = Math.min(capMs, baseMs << Math.min(retry, 20));
        return random.nextLong(ceiling + 1);
    }

    /** True when another attempt may start after waiting {@code delayMs}, {@code elapsedMs} into the call. */
    public boolean allows(int retriesDone, long elapsedMs, long delayMs) {
        return retriesDone < maxRetries && elapsedMs + delayMs <= budgetMs;
    }
}
