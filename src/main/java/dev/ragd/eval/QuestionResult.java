package dev.ragd.eval;

import java.util.List;
import java.util.Map;

/**
 * One question's outcome: what was asked and expected, what came back, and its scores.
 *
 * @param metrics    quality scores by name ({@link Metrics#QUALITY}), higher is better; a metric
 *                   that does not apply to this question (recall of a question naming no document,
 *                   groundedness without a judge) is absent
 * @param reasons    the judge's reason for each judged metric
 * @param sourceDocs the document id of each retrieved passage, citation order
 * @param cited      the citation numbers in the answer, first-cited order
 * @param totalMs    the pipeline's time to the whole answer, or {@code null} after an error
 * @param firstTokenMs the pipeline's time to the first token, or {@code null}
 */
public record QuestionResult(String id, String kind, String question, List<String> expectedDocs,
        List<String> expectedFacts, boolean shouldRefuse, String answer, List<String> sourceDocs, List<Integer> cited,
        boolean refused, String error, Map<String, Double> metrics, Map<String, String> reasons, Long totalMs,
        Long firstTokenMs, Integer promptTokens, Integer completionTokens) {

    public QuestionResult {
        expectedDocs = List.copyOf(expectedDocs);
        expectedFacts = List.copyOf(expectedFacts);
        sourceDocs = List.copyOf(sourceDocs);
        cited = List.copyOf(cited);
        metrics = Map.copyOf(metrics);
        reasons = Map.copyOf(reasons);
    }

    /** This result with the judge's scores and reasons added. */
    public QuestionResult withJudged(Map<String, Double> judged, Map<String, String> why) {
        var m = new java.util.HashMap<>(metrics);
        m.putAll(judged);
        var r = new java.util.HashMap<>(reasons);
        r.putAll(why);
        return new QuestionResult(id, kind, question, expectedDocs, expectedFacts, shouldRefuse, answer, sourceDocs, cited,
                refused, error, m, r, totalMs, firstTokenMs, promptTokens, completionTokens);
    }
}
