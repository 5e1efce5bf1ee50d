package dev.ragd.eval;

import dev.ragd.ops.bench.Percentiles;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * A run's numbers: each quality metric's mean over the questions it applies to (absent when it
 * applies to none, e.g. groundedness without a judge), and the costs (latency percentiles, mean
 * tokens, errors).
 *
 * @param n      questions in the run
 * @param values every metric with a value, by name
 * @param counts how many questions each quality metric was averaged over
 */
public record Summary(int n, Map<String, Double> values, Map<String, Integer> counts) {

    public Summary {
        values = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(values));
        counts = Map.copyOf(counts);
    }

    public static Summary of(List<QuestionResult> results) {
        Map<String, Double> values = new LinkedHashMap<>();
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (String metric : Metrics.QUALITY) {
            double[] xs = results.stream().map(r -> r.metrics().get(metric)).filter(Objects::nonNull)
                    .mapToDouble(Double::doubleValue).toArray();
            counts.put(metric, xs.length);
            if (xs.length > 0) {
                values.put(metric, Arrays.stream(xs).sum() / xs.length);
            }
        }
        long[] total = results.stream().map(QuestionResult::totalMs).filter(Objects::nonNull).mapToLong(Long::longValue)
                .sorted().toArray();
        long[] first = results.stream().map(QuestionResult::firstTokenMs).filter(Objects::nonNull)
                .mapToLong(Long::longValue).sorted().toArray();
        if (total.length > 0) {
            values.put("latency_p50_ms", (double) Percentiles.of(total, 50));
            values.put("latency_p95_ms", (double) Percentiles.of(total, 95));
            values.put("first_token_p50_ms", (double) Percentiles.of(first, 50));
            values.put("first_token_p95_ms", (double) Percentiles.of(first, 95));
            values.put("prompt_tokens_mean", results.stream().map(QuestionResult::promptTokens).filter(Objects::nonNull)
                    .mapToInt(Integer::intValue).average().orElse(0));
            values.put("completion_tokens_mean", results.stream().map(QuestionResult::completionTokens)
                    .filter(Objects::nonNull).mapToInt(Integer::intValue).average().orElse(0));
        }
        values.put("errors", (double) results.stream().filter(r -> r.error() != null).count());
        return new Summary(results.size(), values, counts);
    }

    /** The value, or {@code null} when the metric had nothing to measure. */
    public Double get(String metric) {
        return values.get(metric);
    }

    /** A metric as printed: three decimals for scores, whole numbers for costs, {@code n/a} when absent. */
    public String shown(String metric) {
        return show(metric, get(metric));
    }

    static String show(String metric, Double v) {
        if (v == null || v.isNaN()) {
            return "n/a";
        }
        if (Metrics.COST.contains(metric) && !metric.endsWith("_mean")) {
            return Long.toString(Math.round(v));
        }
        return String.format(Locale.ROOT, metric.endsWith("_mean") ? "%.1f" : "%.3f", v);
    }

    /** The run's last output line, which scripts read. */
    public String lastLine() {
        return "eval recall_at_3=" + shown(Metrics.RECALL_AT_3) + " citation_precision="
                + shown(Metrics.CITATION_PRECISION) + " fact_match=" + shown(Metrics.FACT_MATCH) + " groundedness="
                + shown(Metrics.GROUNDEDNESS) + " n=" + n;
    }
}
