package dev.ragd.eval;

import java.util.ArrayList;
import java.util.List;

/** Whether a run passes its gates: every reason it fails, in the order they are checked. */
public final class Verdict {

    private Verdict() {}

    /**
     * @param comparison the comparison with a baseline, or {@code null}
     * @param maxWorse   how many questions may be worse than the baseline, or {@code null} for any
     */
    public static List<String> failures(List<QuestionResult> results, Summary summary, Comparison comparison,
            Integer maxWorse, List<Gate> gates) {
        List<String> out = new ArrayList<>();
        long errors = results.stream().filter(r -> r.error() != null).count();
        if (!results.isEmpty() && errors == results.size()) {
            out.add("every question failed; nothing was evaluated");
        }
        if (maxWorse != null && comparison != null) {
            if (comparison.shared() == 0) {
                out.add("no question of this run is in the baseline (ids differ); nothing was compared");
            } else if (comparison.worse().size() > maxWorse) {
                out.add(comparison.worse().size() + " questions got worse than the baseline (--max-worse " + maxWorse + ")");
            }
        }
        for (Gate g : gates) {
            g.failure(summary).ifPresent(out::add);
        }
        return out;
    }
}
