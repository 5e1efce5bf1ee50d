package dev.ragd.ops.loadtest;

import java.util.Map;

/**
 * One step of a load test: {@code users} simulated users for {@code durationS} seconds, as the load
 * generator measured it, plus the process's CPU and memory and what ragd's metrics said.
 *
 * @param users          simulated users during the step
 * @param durationS      the step's length in seconds (more than 0)
 * @param requests       questions sent (answered or not)
 * @param ttftP50Ms      time to first token, p50, ms (as the client saw it)
 * @param ttftP95Ms      time to first token, p95, ms
 * @param ttftP99Ms      time to first token, p99, ms
 * @param answerP50Ms    time to the full answer, p50, ms
 * @param answerP95Ms    time to the full answer, p95, ms
 * @param answerP99Ms    time to the full answer, p99, ms
 * @param tokensPerS     answer tokens received per second, all users together
 * @param errorsByKind   failed questions by kind (ragd's error code such as {@code busy} or
 *                       {@code rate_limited}, or the client's: {@code timeout}, {@code http_502}, ...)
 * @param cpuCores       CPU used by the replica processes together, in cores (CPU seconds per second): on one
 *                       machine they share its cores; -1 unknown
 * @param rssBytes       resident memory of the largest replica process at the step's end; -1 unknown
 * @param metrics        ragd's metrics during the step ({@link StepMetrics#NONE} when not scraped)
 */
public record StepResult(int users, double durationS, long requests, double ttftP50Ms, double ttftP95Ms,
        double ttftP99Ms, double answerP50Ms, double answerP95Ms, double answerP99Ms, double tokensPerS,
        Map<String, Long> errorsByKind, double cpuCores, long rssBytes, StepMetrics metrics) {

    public StepResult {
        if (users < 0) {
            throw new IllegalArgumentException("users must be non-negative, got " + users);
        }
        if (!(durationS > 0)) {
            throw new IllegalArgumentException("durationS must be more than 0, got " + durationS);
        }
        if (requests < 0) {
            throw new IllegalArgumentException("requests must be non-negative, got " + requests);
        }
        errorsByKind = StepMetrics.sorted(errorsByKind);
        metrics = metrics == null ? StepMetrics.NONE : metrics;
    }

    /** Failed questions, all kinds. */
    public long errors() {
        return errorsByKind.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Failed questions per question sent, 0..1; 1 when nothing was sent (a step that served nothing failed). */
    public double errorShare() {
        return requests == 0 ? 1 : Math.min(1, (double) errors() / requests);
    }

    /** Questions per second. */
    public double throughput() {
        return requests / durationS;
    }

    /** The replicas' CPU as a share of the {@code cores} they run on; -1 unknown (falls back on {@code process_cpu_usage}). */
    public double cpuShare(int cores) {
        if (cpuCores >= 0 && cores > 0) {
            return cpuCores / cores;
        }
        return metrics.processCpuShareMax();
    }

    public StepResult withMetrics(StepMetrics m) {
        return new StepResult(users, durationS, requests, ttftP50Ms, ttftP95Ms, ttftP99Ms, answerP50Ms, answerP95Ms,
                answerP99Ms, tokensPerS, errorsByKind, cpuCores, rssBytes, m);
    }
}
