package dev.ragd.eval;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ragd.chat.Timings;
import dev.ragd.retrieval.Passage;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The run loop: order, time limits, a misbehaving judge and a question that breaks its scorer. */
class EvaluationTest {

    /** A target that answers by a function of the question; {@code null} means never. */
    static final class ScriptedTarget implements EvalTarget {
        final java.util.Map<String, CompletableFuture<EvalAnswer>> asked = new java.util.concurrent.ConcurrentHashMap<>();
        private final Function<EvalQuestion, EvalAnswer> answers;

        ScriptedTarget(Function<EvalQuestion, EvalAnswer> answers) {
            this.answers = answers;
        }

        @Override
        public CompletableFuture<EvalAnswer> ask(EvalQuestion question) {
            CompletableFuture<EvalAnswer> f = new CompletableFuture<>();
            asked.put(question.id(), f);
            EvalAnswer a = answers.apply(question);
            if (a != null) {
                f.complete(a);
            }
            return f;
        }

        @Override
        public void close() {}
    }

    static EvalAnswer cited(String text) {
        return new EvalAnswer(text, List.of(new Passage("d", "d#0", "D", "The answer is 42.", null, 1)),
                new Timings(1, 2, 3, 4, 5), "m", "r", null, null);
    }

    static List<EvalQuestion> questions(int n) {
        return IntStream.range(0, n).mapToObj(i -> new EvalQuestion("q" + i, "k", "What is the answer " + i + "?",
                List.of(), List.of("d"), List.of(Fact.plain("42")), false)).toList();
    }

    @Test
    void aQuestionThatTakesTooLongIsGivenUpAndScoresAsATimeout() throws Exception {
        ScriptedTarget target = new ScriptedTarget(q -> q.id().equals("q1") ? null : cited("It is 42 [1]."));

        List<QuestionResult> results = new Evaluation(target, new Scorer(Refusals.standard()), null, 2,
                Duration.ofMillis(200)).run(questions(3), n -> { });

        assertThat(results).extracting(QuestionResult::id).containsExactly("q0", "q1", "q2");
        assertThat(results.get(1).error()).startsWith("timeout: no answer within 200 ms");
        assertThat(results.get(1).totalMs()).as("counted in the latency at the time it was given up")
                .isGreaterThanOrEqualTo(200L);
        assertThat(target.asked.get("q1").isCancelled()).as("the target was told to stop").isTrue();
        assertThat(target.asked.get("q0").isCancelled()).isFalse();
        assertThat(results.get(0).metrics()).containsEntry(Metrics.FACT_MATCH, 1.0);
    }

    @Test
    void aJudgeThatKeepsFailingIsNoLongerAskedAfterFiveCallsInARow() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        Judge broken = new Judge() {
            @Override
            public Judgement judge(String metric, EvalQuestion question, EvalAnswer answer) {
                calls.incrementAndGet();
                return new Judgement(null, "judge call failed: connection refused");
            }

            @Override
            public String name() {
                return "broken";
            }
        };
        List<QuestionResult> results = new Evaluation(new ScriptedTarget(q -> cited("It is 42 [1].")),
                new Scorer(Refusals.standard()), broken, 1, Duration.ofSeconds(5)).run(questions(10), n -> { });

        assertThat(calls).hasValue(Evaluation.MAX_JUDGE_FAILURES_IN_A_ROW);
        assertThat(results.get(9).reasons().get(Metrics.GROUNDEDNESS)).startsWith("not judged: the judge failed 5");
        assertThat(results).allSatisfy(r -> assertThat(r.metrics()).doesNotContainKey(Metrics.GROUNDEDNESS));
    }

    @Test
    void aLongReasonIsCut() throws Exception {
        Judge talkative = new Judge() {
            @Override
            public Judgement judge(String metric, EvalQuestion question, EvalAnswer answer) {
                return new Judgement(4, "blah ".repeat(100_000));
            }

            @Override
            public String name() {
                return "talkative";
            }
        };
        List<QuestionResult> results = new Evaluation(new ScriptedTarget(q -> cited("It is 42 [1].")),
                new Scorer(Refusals.standard()), talkative, 1, Duration.ofSeconds(5)).run(questions(1), n -> { });
        assertThat(results.get(0).reasons().get(Metrics.RELEVANCE)).hasSize(Evaluation.MAX_REASON_CHARS + 1);
        assertThat(results.get(0).metrics()).containsEntry(Metrics.RELEVANCE, 4.0);
    }

    @Test
    void aQuestionWhoseExpectationBreaksTheScorerFailsAloneWithoutLosingTheRun() throws Exception {
        EvalQuestion overflowing = new EvalQuestion("deep", "k", "q?", List.of(), List.of(),
                List.of(Fact.regex("(?:a|b)*c")), false);
        List<EvalQuestion> set = List.of(questions(1).get(0), overflowing);
        List<QuestionResult> results = new Evaluation(new ScriptedTarget(q -> cited("a".repeat(200_000))),
                new Scorer(Refusals.standard()), null, 1, Duration.ofSeconds(5)).run(set, n -> { });

        assertThat(results).hasSize(2);
        assertThat(results.get(1).error()).startsWith("internal_error: scoring failed: java.lang.StackOverflowError");
        assertThat(results.get(1).metrics()).containsEntry(Metrics.FACT_MATCH, 0.0);
    }
}
