package dev.ragd.quota;

import java.util.Locale;

/**
 * The answer to {@link QuotaStore#acquire}: granted with a permit to {@link QuotaStore#release}
 * later, or refused naming the limit, how long until it would let the question in, and a message
 * fit to show the user.
 *
 * @param permitId set when granted, {@code null} when refused
 * @param limit {@code null} when granted; otherwise {@link #QUESTIONS_PER_MINUTE},
 *     {@link #TOKENS_PER_MINUTE} or {@link #CONCURRENT_ANSWERS}
 * @param retryAfterMs 0 when granted; otherwise {@code > 0}
 */
public record QuotaDecision(String permitId, String limit, long retryAfterMs, String message) {

    public static final String QUESTIONS_PER_MINUTE = "questions_per_minute";
    public static final String TOKENS_PER_MINUTE = "tokens_per_minute";
    public static final String CONCURRENT_ANSWERS = "concurrent_answers";

    /**
     * What a refusal for concurrency says to wait: a permit is freed when some answer ends, which
     * the store cannot foresee, so the client is told to come back soon rather than at a lease end.
     */
    public static final long CONCURRENT_RETRY_MS = 1000;

    public QuotaDecision {
        if ((permitId == null) == (limit == null)) {
            throw new IllegalArgumentException("a decision has either a permit or a refused limit");
        }
        if (limit != null && retryAfterMs <= 0) {
            throw new IllegalArgumentException("a refusal needs retryAfterMs > 0, got " + retryAfterMs);
        }
    }

    public static QuotaDecision granted(String permitId) {
        return new QuotaDecision(permitId, null, 0, null);
    }

    public static QuotaDecision overQuestions(int questionsPerMinute, long retryAfterMs) {
        return refused(QUESTIONS_PER_MINUTE, retryAfterMs, plural(questionsPerMinute, "question") + " per minute");
    }

    public static QuotaDecision overTokens(long tokensPerMinute, long retryAfterMs) {
        return refused(TOKENS_PER_MINUTE, retryAfterMs, plural(tokensPerMinute, "model token") + " per minute");
    }

    public static QuotaDecision overConcurrent(int maxConcurrent) {
        return refused(CONCURRENT_ANSWERS, CONCURRENT_RETRY_MS, plural(maxConcurrent, "answer") + " at once");
    }

    /** A refusal of {@code limit} as a store reported it; the message is built from {@code limits}. */
    static QuotaDecision refusal(String limit, long retryAfterMs, QuotaLimits limits) {
        return switch (limit) {
            case QUESTIONS_PER_MINUTE -> overQuestions(limits.questionsPerMinute(), retryAfterMs);
            case TOKENS_PER_MINUTE -> overTokens(limits.tokensPerMinute(), retryAfterMs);
            case CONCURRENT_ANSWERS -> overConcurrent(limits.maxConcurrent());
            default -> throw new IllegalArgumentException("unknown quota limit: " + limit);
        };
    }

    private static QuotaDecision refused(String limit, long retryAfterMs, String what) {
        long wait = Math.max(1, retryAfterMs);
        // tenths of a second rounded up: "retry in 0.0 s" would invite an immediate, refused retry
        long tenths = (wait + 99) / 100;
        String message = String.format(Locale.ROOT, "over the limit of %s for this caller; retry in %d.%d s",
                what, tenths / 10, tenths % 10);
        return new QuotaDecision(null, limit, wait, message);
    }

    private static String plural(long n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }

    public boolean isGranted() {
        return permitId != null;
    }
}
