package dev.ragd.ops.loadtest;

import java.util.Locale;

/**
 * What a step must meet to count as served: p95 time to first token under {@code p95TtftMs} and a
 * share of failed questions under {@code maxErrorShare} (both strict).
 */
public record Target(double p95TtftMs, double maxErrorShare) {

    /** p95 time to first token under 1 s with under 0.1% errors. */
    public static final Target DEFAULT = new Target(1_000, 0.001);

    public Target {
        if (!(p95TtftMs > 0)) {
            throw new IllegalArgumentException("the target p95 time to first token must be more than 0 ms, got " + p95TtftMs);
        }
        if (!(maxErrorShare > 0 && maxErrorShare <= 1)) {
            throw new IllegalArgumentException("the target error share must be in (0, 1], got " + maxErrorShare);
        }
    }

    public boolean metBy(StepResult step) {
        return step.requests() > 0 && step.ttftP95Ms() < p95TtftMs && step.errorShare() < maxErrorShare;
    }

    /** Why {@code step} misses the target, or "" when it meets it. */
    public String missedBy(StepResult step) {
        if (step.requests() == 0) {
            return "no question was sent";
        }
        StringBuilder why = new StringBuilder();
        if (!(step.ttftP95Ms() < p95TtftMs)) {
            why.append(String.format(Locale.ROOT, "p95 time to first token %.0f ms is not under %.0f ms",
                    step.ttftP95Ms(), p95TtftMs));
        }
        if (!(step.errorShare() < maxErrorShare)) {
            why.append(why.isEmpty() ? "" : "; ").append(String.format(Locale.ROOT, "errors %s (%d of %d) are not under %s",
                    percent(step.errorShare()), step.errors(), step.requests(), percent(maxErrorShare)));
        }
        return why.toString();
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "p95 time to first token < %.0f ms with < %s errors", p95TtftMs,
                percent(maxErrorShare));
    }

    static String percent(double share) {
        return String.format(Locale.ROOT, share < 0.01 ? "%.2f%%" : "%.1f%%", share * 100);
    }
}
