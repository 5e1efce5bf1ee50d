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
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * Runs a question set through a target with at most {@code concurrency} questions in flight, scores
 * each answer, and asks the judge (when there is one) about every answer that is neither a failure
 * nor a refusal. Results come back in the question set's order, whatever order they finished in. A
 * question that takes longer than the timeout is given up (cancelled) and scores as a failure; once
 * the judge has failed several calls in a row, the remaining answers are not judged.
 */
public final class Evaluation {

    private final EvalTarget target;
    private final Scorer scorer;
    private final Judge judge;
    private final int concurrency;
    private final Duration timeout;
    /** Calls without a verdict since the last verdict: a judge that is down is not waited for on every question. */
    private final AtomicInteger judgeFailures = new AtomicInteger();

    static final int MAX_JUDGE_FAILURES_IN_A_ROW = 5;
    /** A verdict's reason is kept to this length: a judge that talks on must not fill the report. */
    static final int MAX_REASON_CHARS = 2_000;

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
        long start = System.nanoTime();
        EvalAnswer answer;
        var pending = target.ask(q);
        try {
            answer = pending.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            pending.cancel(false);
            answer = EvalAnswer.failed("timeout", "no answer within " + timeout.toMillis() + " ms");
        } catch (ExecutionException e) {
            answer = EvalAnswer.failed("internal_error", String.valueOf(e.getCause()));
        }
        long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        QuestionResult result;
        try {
            result = scorer.score(q, answer, elapsedMs);
        } catch (RuntimeException | StackOverflowError e) {
            // one question's bad expectation (a regex that overflows the stack) must not lose the run
            result = scorer.score(q, EvalAnswer.failed("internal_error", "scoring failed: " + e), elapsedMs);
        }
        if (judge == null || answer.failed() || result.refused()) {
            return result;
        }
        Map<String, Double> scores = new LinkedHashMap<>();
        Map<String, String> reasons = new LinkedHashMap<>();
        for (String metric : Metrics.JUDGED) {
            if (judgeFailures.get() >= MAX_JUDGE_FAILURES_IN_A_ROW) {
                reasons.put(metric, "not judged: the judge failed " + MAX_JUDGE_FAILURES_IN_A_ROW + " calls in a row");
                continue;
            }
            Judge.Judgement j = judge.judge(metric, q, answer);
            if (j.score() != null) {
                judgeFailures.set(0);
                scores.put(metric, j.score().doubleValue());
            } else {
                judgeFailures.incrementAndGet();
            }
            reasons.put(metric, j.reason().length() > MAX_REASON_CHARS ? j.reason().substring(0, MAX_REASON_CHARS) + "…"
                    : j.reason());
        }
        return result.withJudged(scores, reasons);
    }
}
