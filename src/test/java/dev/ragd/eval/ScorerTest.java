package dev.ragd.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.ragd.chat.Timings;
import dev.ragd.retrieval.Passage;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScorerTest {

    private final Scorer scorer = new Scorer(Refusals.standard());

    static Passage passage(String doc) {
        return new Passage(doc, doc + "#0", doc, "text of " + doc, null, 0.5);
    }

    static EvalAnswer answer(String text, String... docs) {
        return new EvalAnswer(text, java.util.Arrays.stream(docs).map(ScorerTest::passage).toList(),
                new Timings(5, 10, 100, 50, 20), "m", "r", null, null);
    }

    static EvalQuestion question(List<String> docs, List<Fact> facts) {
        return new EvalQuestion("q1", "attribute", "What is the price of the Aurora Kettle?", List.of(), docs, facts, false);
    }

    @Test
    void retrievalIsScoredByWhereTheExpectedDocumentsRank() {
        QuestionResult r = scorer.score(question(List.of("K-101"), List.of()), answer("It costs 49.00 [2].", "K-102", "K-101", "K-103"));
        assertThat(r.metrics()).containsEntry(Metrics.RECALL_AT_1, 0.0).containsEntry(Metrics.RECALL_AT_3, 1.0);
        assertThat(r.metrics().get(Metrics.MRR)).isCloseTo(0.5, within(1e-9));
        QuestionResult two = scorer.score(question(List.of("K-101", "K-105"), List.of()), answer("x", "K-101", "K-102"));
        assertThat(two.metrics()).containsEntry(Metrics.RECALL_AT_3, 0.5).containsEntry(Metrics.MRR, 1.0);
    }

    @Test
    void citationsAreRightWhenTheCitedPassageComesFromAnExpectedDocument() {
        QuestionResult r = scorer.score(question(List.of("K-101"), List.of()),
                answer("It costs 49.00 [2]. It is copper [1][2]. Also [1, 3].", "K-102", "K-101", "K-103"));
        assertThat(r.cited()).containsExactly(2, 1, 3);
        assertThat(r.metrics().get(Metrics.CITATION_PRECISION)).isCloseTo(1.0 / 3, within(1e-9));
        assertThat(r.metrics()).containsEntry(Metrics.CITATION_RECALL, 1.0);
    }

    @Test
    void aCitedPassageOfTheRightDocumentThatDoesNotHoldTheFactCountsAsWrong() {
        List<Passage> help = List.of(
                new Passage("shipping.md", "shipping.md#0", "Shipping", "We ship to Canada and Mexico.", null, 0.9),
                new Passage("shipping.md", "shipping.md#1", "Shipping", "Express delivery costs 14.95 USD.", null, 0.8));
        EvalAnswer a = new EvalAnswer("We ship to Canada [1]. Express costs 14.95 USD [2].", help,
                new Timings(1, 2, 3, 0, 5), "m", "r", null, null);
        QuestionResult r = scorer.score(question(List.of("shipping.md"), List.of(Fact.plain("14.95"))), a);
        assertThat(r.metrics()).containsEntry(Metrics.CITATION_PRECISION, 0.5).containsEntry(Metrics.CITATION_RECALL, 1.0);
        QuestionResult onlyTheOther = scorer.score(question(List.of("shipping.md"), List.of(Fact.plain("14.95"))),
                new EvalAnswer("We ship to Canada [1].", help, null, "m", "r", null, null));
        assertThat(onlyTheOther.metrics()).containsEntry(Metrics.CITATION_PRECISION, 0.0)
                .containsEntry(Metrics.CITATION_RECALL, 0.0);
    }

    @Test
    void aCitationOfAPassageThatDoesNotExistCountsAsWrong() {
        QuestionResult r = scorer.score(question(List.of("K-101"), List.of()), answer("It costs 49.00 [1][7].", "K-101"));
        assertThat(r.metrics()).containsEntry(Metrics.CITATION_PRECISION, 0.5);
    }

    @Test
    void anAnswerWithoutCitationsHasNoPrecisionAndZeroRecall() {
        QuestionResult r = scorer.score(question(List.of("K-101"), List.of()), answer("It costs 49.00.", "K-101"));
        assertThat(r.metrics()).doesNotContainKey(Metrics.CITATION_PRECISION).containsEntry(Metrics.CITATION_RECALL, 0.0);
    }

    @Test
    void factMatchIsTheShareOfFactsFound() {
        QuestionResult r = scorer.score(question(List.of(), List.of(Fact.plain("49.00"), Fact.plain("copper"))),
                answer("It costs 49.00.", "K-101"));
        assertThat(r.metrics()).containsEntry(Metrics.FACT_MATCH, 0.5).doesNotContainKey(Metrics.RECALL_AT_3);
    }

    @Test
    void aRefusalIsRightOnlyForAQuestionThatShouldBeRefused() {
        EvalQuestion refuse = new EvalQuestion("r", "refusal", "What is the capital of Australia?", List.of(), List.of(),
                List.of(), true);
        String notFound = "I could not find this in the documents, so I cannot answer it.";
        assertThat(scorer.score(refuse, answer(notFound)).metrics()).containsEntry(Metrics.REFUSAL_ACCURACY, 1.0)
                .containsOnlyKeys(Metrics.REFUSAL_ACCURACY);
        assertThat(scorer.score(refuse, answer("Canberra [1].", "K-101")).metrics())
                .containsEntry(Metrics.REFUSAL_ACCURACY, 0.0);
        QuestionResult falseRefusal = scorer.score(question(List.of("K-101"), List.of(Fact.plain("49.00"))), answer(notFound, "K-101"));
        assertThat(falseRefusal.refused()).isTrue();
        assertThat(falseRefusal.metrics()).containsEntry(Metrics.REFUSAL_ACCURACY, 0.0).containsEntry(Metrics.FACT_MATCH, 0.0);
    }

    @Test
    void everyWayRagdAndTheMockSayTheyCannotAnswerIsARefusal() {
        Refusals refusals = Refusals.standard();
        assertThat(List.of(ModelJudge.resource("/prompts/not-found.txt"),
                "The documents I found do not contain an answer to this question.",
                "The provided sources do not answer this question.",
                "The provided sources say nothing about toaster prices.",
                "I don't know."))
                .allSatisfy(a -> assertThat(refusals.isRefusal(a)).as(a).isTrue());
        assertThat(refusals.isRefusal("The Aurora Kettle costs 49.00 [1].")).isFalse();
        assertThat(refusals.isRefusal("")).as("an error's empty answer").isFalse();
    }

    @Test
    void aFailedRequestScoresAsAWrongAnswerNotAsSkipped() {
        QuestionResult r = scorer.score(question(List.of("K-101"), List.of(Fact.plain("49.00"))),
                EvalAnswer.failed("upstream_unavailable", "down"), 1234);
        assertThat(r.error()).isEqualTo("upstream_unavailable: down");
        assertThat(r.metrics()).containsEntry(Metrics.RECALL_AT_3, 0.0).containsEntry(Metrics.FACT_MATCH, 0.0)
                .containsEntry(Metrics.REFUSAL_ACCURACY, 0.0).containsEntry(Metrics.CITATION_PRECISION, 0.0);
        EvalQuestion refuse = new EvalQuestion("r", "refusal", "q?", List.of(), List.of(), List.of(), true);
        assertThat(scorer.score(refuse, EvalAnswer.failed("timeout", "slow")).metrics())
                .as("a failure is not a refusal").containsEntry(Metrics.REFUSAL_ACCURACY, 0.0);
        assertThat(r.totalMs()).as("a failure counts in the latency at the time it was given up").isEqualTo(1234L);
    }
}
