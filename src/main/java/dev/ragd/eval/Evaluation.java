package dev.ragd.eval;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntConsumer;

/**
 * Runs a question set through a target with at most {@code concurrency} questions in flight, scores
 * each answer, and asks the judge (when there is one) about every answer that is neither a failure
 * nor a refusal. Results come back in the question set's order, whatever order they finished in.
 */
public final class Evaluation {

    private final EvalTarget target;
    private final Scorer scorer;
    private final Judge judge;
    private final int concurrency;
    private final Duration timeout;

    /** @param judge the judge, or {@code null} for none */
    public Evaluation(EvalTarget target, Scorer scorer, Judge judge, int concurrency, Duration timeout) {
        if (concurrency < 1) {
            throw new IllegalArgumentException("concurrency must be at least 1");
        }
        this.target = target;
        this.scorer = scorer;
        this.judge = judge;
        this.concurrency = concurrency;
        this.timeout = timeout;
    }

    /** Every question's result; {@code done} hears the number finished after each one. */
    public List<QuestionResult> run(List<EvalQuestion> questions, IntConsumer done) throws InterruptedException {
        Semaphore slots = new Semaphore(concurrency);
        List<Future<QuestionResult>> futures = new ArrayList<>();
        int[] finished = {0};
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (EvalQuestion q : questions) {
                slots.acquire();
                futures.add(pool.submit(() -> {
                    try {
                        return one(q);
                    } finally {
                        slots.release();
                        synchronized (finished) {
                            done.accept(++finished[0]);
                        }
                    }
                }));
            }
            List<QuestionResult> out = new ArrayList<>();
            for (Future<QuestionResult> f : futures) {
                try {
                    out.add(f.get());
                } catch (ExecutionException e) {
                    throw new IllegalStateException("evaluating a question failed: " + e.getCause(), e.getCause());
                }
            }
            return out;
        }
    }

    private QuestionResult one(EvalQuestion q) throws InterruptedException {
        EvalAnswer answer;
        try {
            answer = target.ask(q).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            answer = EvalAnswer.failed("timeout", "no answer within " + timeout.toMillis() + " ms");
        } catch (ExecutionException e) {
            answer = EvalAnswer.failed("internal_error", String.valueOf(e.getCause()));
        }
        QuestionResult result = scorer.score(q, answer);
        if (judge == null || answer.failed() || result.refused()) {
            return result;
        }
        Map<String, Double> scores = new LinkedHashMap<>();
        Map<String, String> reasons = new LinkedHashMap<>();
        for (String metric : Metrics.JUDGED) {
            Judge.Judgement j = judge.judge(metric, q, answer);
            if (j.score() != null) {
                scores.put(metric, j.score().doubleValue());
            }
            reasons.put(metric, j.reason());
        }
        return result.withJudged(scores, reasons);
    }
}
