package dev.ragd.quota;

/**
 * The fair-use limits of one identity. Each limit is off when 0.
 *
 * @param questionsPerMinute questions admitted per minute, refilled continuously (a token bucket of
 *     this capacity), so a burst of the whole minute's budget is possible once, never twice in a row
 * @param tokensPerMinute model tokens (prompt and completion) per minute, charged after each answer;
 *     an answer may overdraw it, and new questions wait until the debt is paid back
 * @param maxConcurrent answers in progress at once
 * @param leaseMs how long a concurrency permit lives if it is never released (its holder crashed):
 *     pass the longest an answer can take. A release that comes later than this is still honoured
 *     (its tokens charged) for another {@code leaseMs}, so an answer cut at its deadline is not free
 */
public record QuotaLimits(int questionsPerMinute, long tokensPerMinute, int maxConcurrent, long leaseMs) {

    public QuotaLimits {
        if (questionsPerMinute < 0 || tokensPerMinute < 0 || maxConcurrent < 0 || leaseMs < 0) {
            throw new IllegalArgumentException("quota limits must be >= 0: " + describe(
                    questionsPerMinute, tokensPerMinute, maxConcurrent, leaseMs));
        }
        // permits are tracked for these two: a permit that never lapses would hold a slot forever
        if ((maxConcurrent > 0 || tokensPerMinute > 0) && leaseMs == 0) {
            throw new IllegalArgumentException("leaseMs must be > 0 when maxConcurrent or tokensPerMinute is on: "
                    + describe(questionsPerMinute, tokensPerMinute, maxConcurrent, leaseMs));
        }
    }

    /** No limit at all: every question admitted, nothing stored. */
    public static QuotaLimits none() {
        return new QuotaLimits(0, 0, 0, 0);
    }

    /** True when at least one limit is on. */
    public boolean any() {
        return questionsPerMinute > 0 || tokensPerMinute > 0 || maxConcurrent > 0;
    }

    /** True when permits must be remembered: to count them, or to charge tokens once per permit. */
    boolean tracksPermits() {
        return maxConcurrent > 0 || tokensPerMinute > 0;
    }

    private static String describe(int questions, long tokens, int concurrent, long lease) {
        return "questionsPerMinute=" + questions + ", tokensPerMinute=" + tokens
                + ", maxConcurrent=" + concurrent + ", leaseMs=" + lease;
    }
}
