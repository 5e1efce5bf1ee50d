package dev.ragd.eval;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * A run against a baseline run: each metric's delta, and the questions (matched by id) on which a
 * quality metric fell.
 *
 * @param baseline  the baseline's summary over the questions both runs have
 * @param current   this run's summary over the same questions
 * @param worse     questions that got worse, in this run's order
 * @param onlyBefore ids the baseline has and this run does not
 * @param onlyNow   ids this run has and the baseline does not
 */
public record Comparison(Summary baseline, Summary current, List<Worse> worse, List<String> onlyBefore,
        List<String> onlyNow) {

    /** A question that got worse: each fallen metric's value before and now. */
    public record Worse(String id, String question, Map<String, double[]> fell, String answerBefore, String answerNow) {}

    static final double EPSILON = 1e-9;

    /**
     * Compares the questions both runs have (by id): the summaries are over those alone, so a run of a
     * subset ({@code --limit}) is not compared with a whole baseline. A quality score a question had
     * and has no more (its judge call failed, it stopped citing) counts as fallen, to n/a.
     */
    public static Comparison of(List<QuestionResult> before, List<QuestionResult> now) {
        Map<String, QuestionResult> old = before.stream()
                .collect(Collectors.toMap(QuestionResult::id, Function.identity(), (a, b) -> a, LinkedHashMap::new));
        List<Worse> worse = new ArrayList<>();
        List<String> onlyNow = new ArrayList<>();
        List<QuestionResult> sharedBefore = new ArrayList<>();
        List<QuestionResult> sharedNow = new ArrayList<>();
        for (QuestionResult r : now) {
            QuestionResult b = old.get(r.id());
            if (b == null) {
                onlyNow.add(r.id());
                continue;
            }
            sharedBefore.add(b);
            sharedNow.add(r);
            Map<String, double[]> fell = new LinkedHashMap<>();
            for (String m : Metrics.QUALITY) {
                Double was = b.metrics().get(m);
                Double is = r.metrics().get(m);
                if (was != null && (is == null || is < was - EPSILON)) {
                    fell.put(m, new double[] {was, is == null ? Double.NaN : is});
                }
            }
            if (!fell.isEmpty()) {
                worse.add(new Worse(r.id(), r.question(), fell, b.answer(), r.answer()));
            }
        }
        var ids = now.stream().map(QuestionResult::id).collect(Collectors.toSet());
        List<String> onlyBefore = old.keySet().stream().filter(id -> !ids.contains(id)).toList();
        return new Comparison(Summary.of(sharedBefore), Summary.of(sharedNow), worse, onlyBefore, onlyNow);
    }

    /** How many questions both runs have: what the summaries and deltas are over. */
    public int shared() {
        return current.n();
    }

    /** {@code now - before}, or {@code null} when either side has no value. */
    public Double delta(String metric) {
        Double b = baseline.get(metric);
        Double c = current.get(metric);
        return b == null || c == null ? null : c - b;
    }
}
