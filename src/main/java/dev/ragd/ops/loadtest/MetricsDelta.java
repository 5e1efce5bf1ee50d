package dev.ragd.ops.loadtest;

import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * What one replica's metrics did during a step, from the scrapes taken at its start, during it and
 * at its end (at least two). Counters and histograms are the end minus the start, series by
 * series; a series that went down (the replica restarted) counts from zero, as Prometheus's
 * {@code increase} does. Gauges are read across every scrape of the step (their max or min).
 */
public final class MetricsDelta {

    private final PrometheusText start;
    private final PrometheusText end;
    private final List<PrometheusText> all;

    private MetricsDelta(List<PrometheusText> scrapes) {
        if (scrapes.size() < 2) {
            throw new IllegalArgumentException("a step needs at least two scrapes, got " + scrapes.size());
        }
        this.all = List.copyOf(scrapes);
        this.start = all.get(0);
        this.end = all.get(all.size() - 1);
    }

    /** The delta between the first and the last scrape; gauges over all of them. */
    public static MetricsDelta of(List<PrometheusText> scrapes) {
        return new MetricsDelta(scrapes);
    }

    public static MetricsDelta between(PrometheusText start, PrometheusText end) {
        return new MetricsDelta(List.of(start, end));
    }

    /** The increase of a counter (all matching series summed). */
    public double increase(String name, String... pairs) {
        double sum = 0;
        for (PrometheusText.Sample s : end.matching(name, pairs)) {
            sum += increase(s);
        }
        return sum;
    }

    /** The increase of a counter per value of {@code label} (series without it under ""); zero increases left out. */
    public Map<String, Double> increaseBy(String name, Function<Map<String, String>, String> key, String... pairs) {
        Map<String, Double> out = new TreeMap<>();
        for (PrometheusText.Sample s : end.matching(name, pairs)) {
            double d = increase(s);
            if (d > 0) {
                out.merge(key.apply(s.labels()), d, Double::sum);
            }
        }
        return out;
    }

    /** The highest value of a gauge (matching series summed per scrape) over the step's scrapes. */
    public OptionalDouble max(String name, String... pairs) {
        return all.stream().filter(p -> p.has(name, pairs)).mapToDouble(p -> p.sum(name, pairs)).max();
    }

    /** The lowest value of any matching gauge series over the step's scrapes, ignoring values below {@code floor}. */
    public OptionalDouble min(String name, double floor, String... pairs) {
        return all.stream().flatMap(p -> p.matching(name, pairs).stream())
                .mapToDouble(PrometheusText.Sample::value).filter(v -> v >= floor).min();
    }

    /**
     * The {@code q} quantile of a histogram's observations during the step, in the histogram's unit,
     * interpolated within the bucket as Prometheus's {@code histogram_quantile} does; empty when
     * nothing was observed.
     */
    public OptionalDouble quantile(String histogram, double q, String... pairs) {
        TreeMap<Double, Double> cumulative = new TreeMap<>();
        for (PrometheusText.Sample s : end.matching(histogram + "_bucket", pairs)) {
            String le = s.labels().get("le");
            if (le != null) {
                double bound = "+Inf".equals(le) ? Double.POSITIVE_INFINITY : Double.parseDouble(le);
                cumulative.merge(bound, increase(s), Double::sum);
            }
        }
        if (cumulative.isEmpty() || cumulative.lastEntry().getValue() <= 0) {
            return OptionalDouble.empty();
        }
        double total = cumulative.lastEntry().getValue();
        double rank = q * total;
        double lowerBound = 0;
        double lowerCount = 0;
        for (Map.Entry<Double, Double> e : cumulative.entrySet()) {
            if (e.getValue() >= rank) {
                if (e.getKey().isInfinite()) {
                    return OptionalDouble.of(lowerBound); // above the highest finite bound: report that bound
                }
                double inBucket = e.getValue() - lowerCount;
                double fraction = inBucket <= 0 ? 1 : (rank - lowerCount) / inBucket;
                return OptionalDouble.of(lowerBound + (e.getKey() - lowerBound) * fraction);
            }
            lowerBound = e.getKey();
            lowerCount = e.getValue();
        }
        return OptionalDouble.of(lowerBound);
    }

    private double increase(PrometheusText.Sample atEnd) {
        double before = start.matching(atEnd.name()).stream().filter(s -> s.labels().equals(atEnd.labels()))
                .mapToDouble(PrometheusText.Sample::value).findFirst().orElse(0);
        double d = atEnd.value() - before;
        return d >= 0 ? d : atEnd.value();
    }
}
