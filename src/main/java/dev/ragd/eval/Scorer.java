package dev.ragd.eval;

import dev.ragd.retrieval.Passage;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Scores one answer against its question, without a model.
 *
 * <ul>
 *   <li>{@code recall_at_k}: the share of expected documents among the first k retrieved passages;
 *       {@code mrr}: 1 / the rank of the first passage from an expected document (0 when none).</li>
 *   <li>{@code citation_precision}: the share of cited passages ({@code [n]}) that hold the answer:
 *       from an expected document and, when the question names facts, holding one of them; a number
 *       no passage has counts as wrong; absent when nothing is cited (0 for a failed request).
 *       {@code citation_recall}: the share of expected documents cited by such a passage.</li>
 *   <li>{@code fact_match}: the share of expected facts found in the answer.</li>
 *   <li>{@code refusal_accuracy}: 1 when the answer refuses exactly when the question should be refused.</li>
 * </ul>
 * Retrieval and citation scores apply to questions that name documents and should be answered. A
 * failed request scores as a wrong answer, never as a skipped one, so errors cannot raise a score.
 */
public final class Scorer {

    private final Refusals refusals;

    public Scorer(Refusals refusals) {
        this.refusals = refusals;
    }

    /** {@link #score(EvalQuestion, EvalAnswer, long)} of an answer given up at once. */
    QuestionResult score(EvalQuestion q, EvalAnswer a) {
        return score(q, a, 0);
    }

    /** Scores {@code a}; a failed answer's latency is {@code elapsedMs}, the time until it was given up. */
    public QuestionResult score(EvalQuestion q, EvalAnswer a, long elapsedMs) {
        Map<String, Double> m = new LinkedHashMap<>();
        List<String> docs = a.sources().stream().map(Passage::docId).toList();
        List<Integer> cited = new ArrayList<>(Citations.in(a.answer()));
        boolean refused = refusals.isRefusal(a.answer());
        if (q.scoresDocuments()) {
            Set<String> expected = new HashSet<>(q.expectedDocs());
            m.put(Metrics.RECALL_AT_1, recallAt(docs, expected, 1));
            m.put(Metrics.RECALL_AT_3, recallAt(docs, expected, 3));
            m.put(Metrics.MRR, reciprocalRank(docs, expected));
            Set<String> citedDocs = new HashSet<>();
            int right = 0;
            for (int n : cited) {
                Passage p = n >= 1 && n <= docs.size() ? a.sources().get(n - 1) : null;
                if (p != null && holdsTheAnswer(p, expected, q.expectedFacts())) {
                    right++;
                    citedDocs.add(p.docId());
                }
            }
            if (!cited.isEmpty() || a.failed()) {
                m.put(Metrics.CITATION_PRECISION, cited.isEmpty() ? 0.0 : (double) right / cited.size());
            }
            m.put(Metrics.CITATION_RECALL, (double) citedDocs.size() / expected.size());
        }
        if (!q.shouldRefuse() && !q.expectedFacts().isEmpty()) {
            long found = q.expectedFacts().stream().filter(f -> f.foundIn(a.answer())).count();
            m.put(Metrics.FACT_MATCH, (double) found / q.expectedFacts().size());
        }
        m.put(Metrics.REFUSAL_ACCURACY, refused == q.shouldRefuse() && !a.failed() ? 1.0 : 0.0);
        var t = a.timings();
        return new QuestionResult(q.id(), q.kind(), q.question(), q.expectedDocs(),
                q.expectedFacts().stream().map(Fact::shown).toList(), q.shouldRefuse(), a.answer(), docs, cited, refused,
                a.error() == null ? null : a.error() + ": " + a.errorMessage(), m, Map.of(),
                t == null ? elapsedMs : t.totalMs(), t == null ? elapsedMs : t.firstTokenMs(),
                t == null ? null : t.promptTokens(), t == null ? null : t.completionTokens());
    }

    /**
     * True when a passage is one the answer should cite: from an expected document and, when the
     * question names facts, holding at least one of them (a help page's other sections do not count).
     */
    static boolean holdsTheAnswer(Passage p, Set<String> expectedDocs, List<Fact> facts) {
        if (!expectedDocs.contains(p.docId())) {
            return false;
        }
        String text = (p.title() == null ? "" : p.title() + "\n") + (p.text() == null ? "" : p.text());
        return facts.isEmpty() || facts.stream().anyMatch(f -> f.foundIn(text));
    }

    static double recallAt(List<String> docs, Set<String> expected, int k) {
        Set<String> hit = new HashSet<>(docs.subList(0, Math.min(k, docs.size())));
        hit.retainAll(expected);
        return (double) hit.size() / expected.size();
    }

    static double reciprocalRank(List<String> docs, Set<String> expected) {
        for (int i = 0; i < docs.size(); i++) {
            if (expected.contains(docs.get(i))) {
                return 1.0 / (i + 1);
            }
        }
        return 0.0;
    }
}
