package dev.ragd.ops.loadtest;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The knee of a step ramp: the largest user count that met the {@link Target} with every smaller
 * count meeting it too (the capacity one can rely on). A larger count that met the target again
 * after a miss does not move the knee, but is reported: the run was noisy (longer steps help).
 *
 * @param users       the knee's user count; 0 when the first step already missed the target
 * @param step        the step at the knee, empty when {@code users} is 0
 * @param firstMiss   the first step (by users) that missed the target, empty when all met it
 * @param laterMet    the largest user count above {@code firstMiss} that met the target anyway; 0 when none
 * @param target      the target
 */
public record Knee(int users, Optional<StepResult> step, Optional<StepResult> firstMiss, int laterMet, Target target) {

    /** Finds the knee among {@code steps} (any order; ties in users are all checked). */
    public static Knee find(List<StepResult> steps, Target target) {
        List<StepResult> byUsers = steps.stream().sorted(Comparator.comparingInt(StepResult::users)).toList();
        StepResult knee = null;
        StepResult miss = null;
        int later = 0;
        for (StepResult s : byUsers) {
            boolean met = target.metBy(s);
            if (miss == null && met) {
                knee = knee != null && knee.users() == s.users() ? knee : s;
            } else if (miss == null) {
                miss = s;
                if (knee != null && knee.users() == s.users()) {
                    knee = byUsers.stream().filter(k -> k.users() < s.users()).reduce((a, b) -> b).orElse(null);
                }
            } else if (met && s.users() > miss.users()) {
                later = s.users();
            }
        }
        return new Knee(knee == null ? 0 : knee.users(), Optional.ofNullable(knee), Optional.ofNullable(miss), later,
                target);
    }

    /** Whether every step met the target. */
    public boolean allMet() {
        return firstMiss.isEmpty() && step.isPresent();
    }

    /** A plain-language account of the knee. */
    public String describe() {
        StringBuilder s = new StringBuilder();
        if (step.isEmpty()) {
            s.append("No step met the target (").append(target).append("): the knee is 0 users.");
        } else {
            StepResult k = step.get();
            s.append(String.format(Locale.ROOT, "The knee is %d users: p95 time to first token %.0f ms, errors %s (target: %s).",
                    k.users(), k.ttftP95Ms(), Target.percent(k.errorShare()), target));
        }
        if (firstMiss.isPresent()) {
            StepResult m = firstMiss.get();
            s.append(String.format(Locale.ROOT, " At %d users the target was missed: %s.", m.users(), target.missedBy(m)));
        } else if (step.isPresent()) {
            s.append(" Every step met the target: the capacity is above the largest step; ramp further.");
        }
        if (laterMet > 0) {
            s.append(String.format(Locale.ROOT, " %d users met the target again after the miss: the run is noisy; "
                    + "re-run with longer steps before trusting a larger knee.", laterMet));
        }
        return s.toString();
    }

    /** The last line a load test prints: {@code knee_users=<n> p95_ttft_ms=<x> errors=<share>}. */
    public String summaryLine() {
        Optional<StepResult> shown = step.isPresent() ? step : firstMiss;
        double p95 = shown.map(StepResult::ttftP95Ms).orElse(0.0);
        double errors = shown.map(StepResult::errorShare).orElse(0.0);
        return String.format(Locale.ROOT, "knee_users=%d p95_ttft_ms=%.0f errors=%.4f", users, p95, errors);
    }
}
