package dev.ragd.ops.loadtest;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.TreeMap;

/**
 * What ragd's {@code /metrics} said about one step (see {@code docs/metrics.md} for the series).
 * Counts are increases during the step; gauges are their extreme over the step's scrapes. A value
 * that was not scraped is -1 (a direct-upstream step has {@link #NONE}).
 *
 * @param requestsByOutcome         {@code ragd_chat_requests_total} by {@code outcome/error_code}, e.g. {@code failed/rate_limited}
 * @param rejectionsByReason        {@code ragd_chat_rejections_total} by {@code reason} ({@code busy}, ...)
 * @param upstreamErrorsByType      {@code ragd_upstream_errors_total} by {@code type}; {@code rate_limited} is the model's 429
 * @param upstreamRetries           {@code ragd_upstream_retries_total}
 * @param rateLimitRemainingTokensMin   lowest {@code ragd_upstream_ratelimit_remaining_tokens} seen (-1: none seen)
 * @param rateLimitRemainingRequestsMin lowest {@code ragd_upstream_ratelimit_remaining_requests} seen (-1: none seen)
 * @param activeGenerationsMax      highest {@code ragd_chat_active_generations}
 * @param maxConcurrentGenerations  {@code ragd_chat_max_concurrent_generations}, the admission cap
 * @param chatlogQueueDepthMax      highest {@code ragd_chatlog_queue_depth}
 * @param retrievalP95Ms            p95 of {@code ragd_chat_retrieval_duration_seconds} during the step, in ms
 * @param processCpuShareMax        highest {@code process_cpu_usage} (0..1 of the replica's cores)
 * @param rewriteP95Ms              p95 of {@code ragd_chat_rewrite_duration_seconds} during the step, in ms
 * @param searchThrottled           {@code ragd_search_throttled_total}: searches a search service refused for now
 */
public record StepMetrics(Map<String, Long> requestsByOutcome, Map<String, Long> rejectionsByReason,
        Map<String, Long> upstreamErrorsByType, long upstreamRetries, long rateLimitRemainingTokensMin,
        long rateLimitRemainingRequestsMin, long activeGenerationsMax, long maxConcurrentGenerations,
        long chatlogQueueDepthMax, double retrievalP95Ms, double processCpuShareMax, double rewriteP95Ms,
        long searchThrottled) {

    /** A step with no search-service series (the embedded index). */
    public StepMetrics(Map<String, Long> requestsByOutcome, Map<String, Long> rejectionsByReason,
            Map<String, Long> upstreamErrorsByType, long upstreamRetries, long rateLimitRemainingTokensMin,
            long rateLimitRemainingRequestsMin, long activeGenerationsMax, long maxConcurrentGenerations,
            long chatlogQueueDepthMax, double retrievalP95Ms, double processCpuShareMax, double rewriteP95Ms) {
        this(requestsByOutcome, rejectionsByReason, upstreamErrorsByType, upstreamRetries, rateLimitRemainingTokensMin,
                rateLimitRemainingRequestsMin, activeGenerationsMax, maxConcurrentGenerations, chatlogQueueDepthMax,
                retrievalP95Ms, processCpuShareMax, rewriteP95Ms, -1);
    }

    /** Nothing scraped (a direct-upstream step, or a target without {@code /metrics}). */
    public static final StepMetrics NONE = new StepMetrics(Map.of(), Map.of(), Map.of(), -1, -1, -1, -1, -1, -1, -1, -1, -1);

    public StepMetrics {
        requestsByOutcome = sorted(requestsByOutcome);
        rejectionsByReason = sorted(rejectionsByReason);
        upstreamErrorsByType = sorted(upstreamErrorsByType);
    }

    /** The model's 429s seen by ragd. */
    public long upstream429() {
        return upstreamErrorsByType.getOrDefault("rate_limited", 0L);
    }

    /** ragd's answers that ended with {@code error_code}. */
    public long requestsFailedWith(String errorCode) {
        return requestsByOutcome.entrySet().stream().filter(e -> e.getKey().endsWith("/" + errorCode))
                .mapToLong(Map.Entry::getValue).sum();
    }

    public long rejections(String reason) {
        return rejectionsByReason.getOrDefault(reason, 0L);
    }

    /** Reads one replica's step. */
    public static StepMetrics from(MetricsDelta d) {
        return new StepMetrics(
                longs(d.increaseBy("ragd_chat_requests_total",
                        l -> l.getOrDefault("outcome", "") + "/" + l.getOrDefault("error_code", "none"))),
                longs(d.increaseBy("ragd_chat_rejections_total", l -> l.getOrDefault("reason", ""))),
                longs(d.increaseBy("ragd_upstream_errors_total", l -> l.getOrDefault("type", ""))),
                Math.round(d.increase("ragd_upstream_retries_total")),
                orMinus1(d.min("ragd_upstream_ratelimit_remaining_tokens", 0)),
                orMinus1(d.min("ragd_upstream_ratelimit_remaining_requests", 0)),
                orMinus1(d.max("ragd_chat_active_generations")),
                orMinus1(d.max("ragd_chat_max_concurrent_generations")),
                orMinus1(d.max("ragd_chatlog_queue_depth")),
                p95Ms(d, "ragd_chat_retrieval_duration_seconds"),
                d.max("process_cpu_usage").orElse(-1),
                p95Ms(d, "ragd_chat_rewrite_duration_seconds"),
                Math.round(d.increase("ragd_search_throttled_total")));
    }

    /**
     * Several replicas' steps as one: counts summed; headroom the lowest; active generations, the cap,
     * queue depth, retrieval p95 and CPU the highest of one replica (the first to saturate).
     */
    public static StepMetrics combine(List<StepMetrics> replicas) {
        if (replicas.size() == 1) {
            return replicas.get(0);
        }
        Map<String, Long> outcomes = new TreeMap<>();
        Map<String, Long> rejections = new TreeMap<>();
        Map<String, Long> upstream = new TreeMap<>();
        long retries = -1;
        long tokens = -1;
        long requests = -1;
        long active = -1;
        long cap = -1;
        long queue = -1;
        double retrieval = -1;
        double cpu = -1;
        double rewrite = -1;
        long throttled = -1;
        for (StepMetrics m : replicas) {
            m.requestsByOutcome.forEach((k, v) -> outcomes.merge(k, v, Long::sum));
            m.rejectionsByReason.forEach((k, v) -> rejections.merge(k, v, Long::sum));
            m.upstreamErrorsByType.forEach((k, v) -> upstream.merge(k, v, Long::sum));
            retries = m.upstreamRetries < 0 ? retries : Math.max(0, retries) + m.upstreamRetries;
            tokens = lowest(tokens, m.rateLimitRemainingTokensMin);
            requests = lowest(requests, m.rateLimitRemainingRequestsMin);
            active = Math.max(active, m.activeGenerationsMax);
            cap = Math.max(cap, m.maxConcurrentGenerations);
            queue = Math.max(queue, m.chatlogQueueDepthMax);
            retrieval = Math.max(retrieval, m.retrievalP95Ms);
            cpu = Math.max(cpu, m.processCpuShareMax);
            rewrite = Math.max(rewrite, m.rewriteP95Ms);
            throttled = m.searchThrottled < 0 ? throttled : Math.max(0, throttled) + m.searchThrottled;
        }
        return new StepMetrics(outcomes, rejections, upstream, retries, tokens, requests, active, cap, queue, retrieval, cpu,
                rewrite, throttled);
    }

    /** A seconds histogram's p95 during the step in ms; -1 when nothing was observed. */
    private static double p95Ms(MetricsDelta d, String histogram) {
        return d.quantile(histogram, 0.95).stream().map(s -> s * 1000).findFirst().orElse(-1);
    }

    static Map<String, Long> sorted(Map<String, Long> m) {
        return Collections.unmodifiableMap(new TreeMap<>(m));
    }

    private static long lowest(long a, long b) {
        return a < 0 ? b : b < 0 ? a : Math.min(a, b);
    }

    private static long orMinus1(OptionalDouble v) {
        return v.isPresent() ? Math.round(v.getAsDouble()) : -1;
    }

    private static Map<String, Long> longs(Map<String, Double> m) {
        Map<String, Long> out = new TreeMap<>();
        m.forEach((k, v) -> out.put(k, Math.round(v)));
        return out;
    }
}
