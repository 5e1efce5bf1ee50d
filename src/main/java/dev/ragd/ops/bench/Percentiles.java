package dev.ragd.ops.bench;

import java.util.Locale;

/** Nearest-rank percentiles of sorted nanosecond samples, as the benchmarks print them. */
public final class Percentiles {

    private Percentiles() {}

    /** The {@code pct}th percentile (nearest rank) of {@code sorted}, or 0 when it is empty. */
    public static long of(long[] sorted, int pct) {
        if (sorted.length == 0) {
            return 0;
        }
        int index = (int) Math.ceil(pct / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    /** Nanoseconds as milliseconds with two decimals, e.g. {@code 4.07}. */
    public static String ms(long nanos) {
        return String.format(Locale.ROOT, "%.2f", nanos / 1e6);
    }
}
