package dev.ragd.ops.loadtest;

import java.util.Map;

/** Synthetic steps for the analysis tests: a healthy step, changed one knob at a time. */
final class Steps {

    private Steps() {}

    /** {@code users} users for 60 s, one question per user every 4 s, all answered, p95 TTFT {@code p95} ms. */
    static StepResult step(int users, double p95) {
        long requests = users * 15L;
        return new StepResult(users, 60, requests, p95 * 0.6, p95, p95 * 1.3, p95 + 3_000, p95 + 3_300, p95 + 3_600,
                requests * 150 / 60.0, Map.of(), 0.4, 300L << 20, metrics(Map.of(), Map.of(), 0, 2_000_000, 3, 20, 0, 5));
    }

    static StepMetrics metrics(Map<String, Long> rejections, Map<String, Long> upstream, long retries,
            long remainingTokens, long active, long cap, long queue, double retrievalMs) {
        return new StepMetrics(Map.of("completed/none", 100L), rejections, upstream, retries, remainingTokens, 9_000,
                active, cap, queue, retrievalMs, 0.2, -1);
    }

    static StepResult errors(StepResult s, Map<String, Long> errors) {
        return new StepResult(s.users(), s.durationS(), s.requests(), s.ttftP50Ms(), s.ttftP95Ms(), s.ttftP99Ms(),
                s.answerP50Ms(), s.answerP95Ms(), s.answerP99Ms(), s.tokensPerS(), errors, s.cpuCores(), s.rssBytes(),
                s.metrics());
    }

    static StepResult cpu(StepResult s, double cores) {
        return new StepResult(s.users(), s.durationS(), s.requests(), s.ttftP50Ms(), s.ttftP95Ms(), s.ttftP99Ms(),
                s.answerP50Ms(), s.answerP95Ms(), s.answerP99Ms(), s.tokensPerS(), s.errorsByKind(), cores, s.rssBytes(),
                s.metrics());
    }
}
