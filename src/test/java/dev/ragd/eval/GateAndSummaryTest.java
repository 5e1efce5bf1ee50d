package dev.ragd.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GateAndSummaryTest {

    static QuestionResult result(String id, Map<String, Double> metrics, Long totalMs, String error) {
        return new QuestionResult(id, "k", "question " + id, List.of(), List.of(), false, "answer " + id, List.of(),
                List.of(), false, error, metrics, Map.of(), totalMs, totalMs == null ? null : totalMs / 2,
                totalMs == null ? null : 100, totalMs == null ? null : 10);
    }

    @Test
    void aSummaryAveragesEachMetricOverTheQuestionsItAppliesTo() {
        Summary s = Summary.of(List.of(
                result("a", Map.of(Metrics.RECALL_AT_3, 1.0, Metrics.FACT_MATCH, 0.5), 100L, null),
                result("b", Map.of(Metrics.RECALL_AT_3, 0.0), 300L, null),
                result("c", Map.of(), null, "timeout: slow")));
        assertThat(s.get(Metrics.RECALL_AT_3)).isEqualTo(0.5);
        assertThat(s.get(Metrics.FACT_MATCH)).isEqualTo(0.5);
        assertThat(s.counts()).containsEntry(Metrics.RECALL_AT_3, 2).containsEntry(Metrics.FACT_MATCH, 1);
        assertThat(s.get(Metrics.GROUNDEDNESS)).isNull();
        assertThat(s.get("errors")).isEqualTo(1.0);
        assertThat(s.get("latency_p50_ms")).isEqualTo(100.0);
        assertThat(s.get("latency_p95_ms")).isEqualTo(300.0);
        assertThat(s.lastLine()).isEqualTo("eval recall_at_3=0.500 citation_precision=n/a fact_match=0.500 groundedness=n/a n=3");
    }

    @Test
    void aGateFailsBelowItsValueAndPassesAtIt() {
        Summary s = Summary.of(List.of(result("a", Map.of(Metrics.RECALL_AT_3, 0.9), 100L, null)));
        assertThat(Gate.parse("recall_at_3=0.9", true).failure(s)).isEmpty();
        assertThat(Gate.parse("recall_at_3=0.91", true).failure(s)).get().asString()
                .contains("recall_at_3=0.900 is under 0.91");
        assertThat(Gate.parse("latency_p95_ms=100", false).failure(s)).isEmpty();
        assertThat(Gate.parse("latency_p95_ms=99", false).failure(s)).get().asString().contains("is over 99");
        assertThat(Gate.parse("errors=0", false).failure(s)).isEmpty();
    }

    @Test
    void aGateOnAMetricNothingMeasuredFailsAndSaysWhy() {
        Summary s = Summary.of(List.of(result("a", Map.of(Metrics.RECALL_AT_3, 0.9), 100L, null)));
        assertThat(Gate.parse("groundedness=3", true).failure(s)).get().asString()
                .contains("groundedness is n/a").contains("RAGD_EVAL_JUDGE");
    }

    @Test
    void aBadGateIsRefusedNamingTheProblem() {
        assertThatThrownBy(() -> Gate.parse("recall_at_3", true)).hasMessageContaining("--fail-under 'recall_at_3' must be metric=value");
        assertThatThrownBy(() -> Gate.parse("recall_at_3=", true)).hasMessageContaining("must be metric=value");
        assertThatThrownBy(() -> Gate.parse("recal_at_3=0.9", true)).hasMessageContaining("unknown metric 'recal_at_3'")
                .hasMessageContaining("recall_at_3");
        assertThatThrownBy(() -> Gate.parse("recall_at_3=high", true)).hasMessageContaining("'high' is not a number");
        assertThatThrownBy(() -> Gate.parse("recall_at_3=NaN", true)).hasMessageContaining("finite");
        assertThatThrownBy(() -> Gate.parse("latency_p95_ms=100", true)).hasMessageContaining("gate it with --fail-over");
        assertThatThrownBy(() -> Gate.parse("fact_match=0.5", false)).hasMessageContaining("gate it with --fail-under");
    }

    @Test
    void aComparisonListsTheQuestionsWhoseScoreFellAndTheDeltas() {
        List<QuestionResult> before = List.of(
                result("a", Map.of(Metrics.FACT_MATCH, 1.0, Metrics.RECALL_AT_3, 1.0), 100L, null),
                result("b", Map.of(Metrics.FACT_MATCH, 0.0), 100L, null),
                result("gone", Map.of(Metrics.FACT_MATCH, 1.0), 100L, null));
        List<QuestionResult> now = List.of(
                result("a", Map.of(Metrics.FACT_MATCH, 0.5, Metrics.RECALL_AT_3, 1.0), 100L, null),
                result("b", Map.of(Metrics.FACT_MATCH, 1.0), 100L, null),
                result("new", Map.of(Metrics.FACT_MATCH, 1.0), 100L, null));
        Comparison c = Comparison.of(before, now);
        assertThat(c.worse()).singleElement().satisfies(w -> {
            assertThat(w.id()).isEqualTo("a");
            assertThat(w.fell()).containsOnlyKeys(Metrics.FACT_MATCH);
            assertThat(w.fell().get(Metrics.FACT_MATCH)).containsExactly(1.0, 0.5);
            assertThat(w.answerBefore()).isEqualTo("answer a");
        });
        assertThat(c.onlyBefore()).containsExactly("gone");
        assertThat(c.onlyNow()).containsExactly("new");
        assertThat(c.shared()).isEqualTo(2);
        assertThat(c.delta(Metrics.FACT_MATCH)).as("over the questions both runs have")
                .isCloseTo(0.75 - 0.5, org.assertj.core.api.Assertions.within(1e-9));
        assertThat(c.delta(Metrics.GROUNDEDNESS)).isNull();
    }

    @Test
    void aScoreThatBecameNaCountsAsFallen() {
        Comparison c = Comparison.of(List.of(result("a", Map.of(Metrics.GROUNDEDNESS, 5.0, Metrics.FACT_MATCH, 1.0), 1L, null)),
                List.of(result("a", Map.of(Metrics.FACT_MATCH, 1.0), 1L, null)));
        assertThat(c.worse()).singleElement().satisfies(w -> assertThat(w.fell()).containsOnlyKeys(Metrics.GROUNDEDNESS));
        assertThat(TextReport.fell(c.worse().get(0).fell())).isEqualTo("groundedness 5.000->n/a");
    }

    @Test
    void maxWorseFailsWhenNothingWasComparedOrTooManyGotWorse() {
        List<QuestionResult> now = List.of(result("a", Map.of(Metrics.FACT_MATCH, 0.0), 1L, null));
        Comparison disjoint = Comparison.of(List.of(result("b", Map.of(Metrics.FACT_MATCH, 1.0), 1L, null)), now);
        assertThat(Verdict.failures(now, Summary.of(now), disjoint, 0, List.of())).singleElement().asString()
                .contains("no question of this run is in the baseline");
        Comparison fell = Comparison.of(List.of(result("a", Map.of(Metrics.FACT_MATCH, 1.0), 1L, null)), now);
        assertThat(Verdict.failures(now, Summary.of(now), fell, 0, List.of())).singleElement().asString()
                .contains("1 questions got worse than the baseline (--max-worse 0)");
        assertThat(Verdict.failures(now, Summary.of(now), fell, 1, List.of())).isEmpty();
        assertThat(Verdict.failures(now, Summary.of(now), fell, null, List.of())).isEmpty();
    }

    @Test
    void resultsSurviveAWriteAndReadBack() throws Exception {
        QuestionResult r = new QuestionResult("a", "attribute", "q \"quoted\"?", List.of("K-1"), List.of("/4\\d/"), false,
                "ans [1]", List.of("K-1", "K-2"), List.of(1), false, null,
                Map.of(Metrics.FACT_MATCH, 1.0, Metrics.GROUNDEDNESS, 4.0), Map.of(Metrics.GROUNDEDNESS, "fine"),
                12L, 3L, 40, 5);
        var sw = new java.io.StringWriter();
        ResultsFile.write(List.of(r), sw);
        List<QuestionResult> back = ResultsFile.read(new java.io.BufferedReader(new java.io.StringReader(sw.toString())), "x");
        assertThat(back).containsExactly(r);
    }

    @Test
    void aFileThatIsNotResultsIsRefusedByName() {
        assertThatThrownBy(() -> ResultsFile.read(new java.io.BufferedReader(new java.io.StringReader(
                "{\"question\":\"q?\"}\n")), "questions.jsonl"))
                .hasMessageContaining("questions.jsonl line 1: not an eval result");
    }
}
