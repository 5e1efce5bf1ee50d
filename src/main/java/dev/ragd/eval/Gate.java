package dev.ragd.eval;

import java.util.Optional;

/**
 * A CI gate: {@code --fail-under recall_at_3=0.9} (a quality metric must reach the value) or
 * {@code --fail-over latency_p95_ms=2000} (a cost must not exceed it).
 *
 * @param under true for a lower bound, false for an upper bound
 */
public record Gate(String metric, double value, boolean under) {

    /**
     * Parses {@code metric=value}.
     *
     * @throws IllegalArgumentException naming the option and what is wrong
     */
    public static Gate parse(String spec, boolean under) {
        String option = under ? "--fail-under" : "--fail-over";
        int eq = spec.indexOf('=');
        if (eq <= 0 || eq == spec.length() - 1) {
            throw new IllegalArgumentException(option + " '" + spec + "' must be metric=value, e.g. "
                    + (under ? "recall_at_3=0.9" : "latency_p95_ms=2000"));
        }
        String metric = spec.substring(0, eq).strip();
        if (!Metrics.all().contains(metric)) {
            throw new IllegalArgumentException(option + ": unknown metric '" + metric + "' (metrics: "
                    + String.join(", ", Metrics.all()) + ")");
        }
        if (under != Metrics.QUALITY.contains(metric)) {
            throw new IllegalArgumentException(option + ": " + metric + (under
                    ? " is a cost (lower is better); gate it with --fail-over"
                    : " is a score (higher is better); gate it with --fail-under"));
        }
        double v;
        try {
            v = Double.parseDouble(spec.substring(eq + 1).strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " " + metric + ": '" + spec.substring(eq + 1) + "' is not a number");
        }
        if (!Double.isFinite(v)) {
            throw new IllegalArgumentException(option + " " + metric + ": the value must be a finite number");
        }
        return new Gate(metric, v, under);
    }

    /** Why the run fails this gate, or empty when it passes. A metric with no value fails: nothing was measured. */
    public Optional<String> failure(Summary summary) {
        Double v = summary.get(metric);
        if (v == null) {
            return Optional.of(metric + " is n/a (nothing measured it" + (Metrics.JUDGED.contains(metric)
                    ? "; set RAGD_EVAL_JUDGE to judge answers" : "") + "), gate " + this);
        }
        boolean fails = under ? v < value : v > value;
        return fails ? Optional.of(metric + "=" + summary.shown(metric) + (under ? " is under " : " is over ") + value)
                : Optional.empty();
    }

    @Override
    public String toString() {
        return (under ? "--fail-under " : "--fail-over ") + metric + "=" + value;
    }
}
