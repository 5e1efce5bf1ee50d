package dev.ragd.ops.bench;

import java.util.Locale;

/**
 * The one percentile routine of the benchmark clients, so that a p95 printed by one bench means
 * the same as a p95 printed by another and two runs compare like for like.
 *
 * <p>Nearest rank: the {@code p}th percentile of n samples is the smallest sample that at least
 * p% of the samples are less than or equal to, i.e. the sample at 1-based rank ceil(p/100 * n) in
 * sorted order (p0 is the minimum, p100 the maximum). Nearest rank rather than interpolation
 * because it always reports a latency that was actually observed. The rank is computed in integer
 * arithmetic: in floating point, e.g. 7 / 100.0 * 100 is a hair above 7 and would round up to
 * the wrong rank.
 */
public final class Percentiles {

    private Percentiles() {}

    /**
     * The {@code pct}th percentile of {@code sorted} (ascending; not checked, sorting is the
     * caller's, once for all the percentiles it prints), or 0 when it is empty.
     */
    public static long of(long[] sorted, int pct) {
        return sorted.length == 0 ? 0 : sorted[index(sorted.length, pct)];
    }

    /** As {@link #of(long[], int)}, for samples that are not whole numbers (e.g. one figure per round). */
    public static double of(double[] sorted, int pct) {
        return sorted.length == 0 ? 0 : sorted[index(sorted.length, pct)];
    }

    /** The 0-based index of the {@code pct}th percentile (nearest rank) among {@code n > 0} sorted samples. */
    static int index(int n, int pct) {
        if (pct < 0 || pct > 100) {
            throw new IllegalArgumentException("percentile must be 0..100, got " + pct);
        }
        long rank = ((long) pct * n + 99) / 100; // ceil(pct * n / 100) without rounding error
        return (int) Math.max(0, rank - 1);
    }

    /** Nanoseconds as milliseconds with two decimals, e.g. {@code 4.07}. */
    public static String ms(long nanos) {
        return String.format(Locale.ROOT, "%.2f", nanos / 1e6);
    }
}
