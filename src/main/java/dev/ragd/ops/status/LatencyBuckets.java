package dev.ragd.ops.status;

/**
 * The fixed layout of the status window's latency histograms, in whole milliseconds: one bucket
 * per millisecond below 32 ms, then 16 buckets of equal width per power of two (32–63 ms in
 * buckets 2 ms wide, 64–127 ms 4 ms wide, … 2,097,152–4,194,303 ms 131,072 ms wide): 304 buckets
 * in all. A bucket's width is at most 1/16 of its lower bound, so its midpoint is within 1/32
 * (3.125 %) of any value in it.
 *
 * <p>A percentile is the nearest-rank one (as {@code ops.bench.Percentiles}): the bucket holding
 * the sample at rank ceil(p/100 × n), reported as that bucket's midpoint (its value below 32 ms),
 * capped at the largest sample seen (and the largest sample itself when the rank is the last). So the reported value r of a true nearest-rank sample v is
 * exact when v &lt; 32 ms and otherwise |r − v| ≤ v/32. Values of 4,194,304 ms (about 70
 * minutes) or more, and negative ones, are counted in the last (first) bucket and are reported too
 * low (as 0).
 */
final class LatencyBuckets {

    private LatencyBuckets() {}

    /** Values below this are counted exactly. */
    static final int EXACT = 32;
    static final int PER_OCTAVE = 16;
    /** Values up to {@code 2^MAX_BITS - 1} ms fall in their own bucket. */
    static final int MAX_BITS = 22;
    static final int COUNT = EXACT + (MAX_BITS - 5) * PER_OCTAVE;

    /** The bucket of {@code ms}. */
    static int index(long ms) {
        if (ms < EXACT) {
            return ms <= 0 ? 0 : (int) ms;
        }
        int msb = 63 - Long.numberOfLeadingZeros(ms); // 5 or more
        if (msb >= MAX_BITS) {
            return COUNT - 1;
        }
        int sub = (int) (ms >>> (msb - 4)) & (PER_OCTAVE - 1);
        return EXACT + (msb - 5) * PER_OCTAVE + sub;
    }

    /** The smallest value of bucket {@code i}. */
    static long lower(int i) {
        if (i < EXACT) {
            return i;
        }
        int msb = (i - EXACT) / PER_OCTAVE + 5;
        int sub = (i - EXACT) % PER_OCTAVE;
        return (1L << msb) + ((long) sub << (msb - 4));
    }

    /** How many whole-millisecond values bucket {@code i} holds. */
    static long width(int i) {
        return i < EXACT ? 1 : 1L << ((i - EXACT) / PER_OCTAVE + 1);
    }

    /** The value reported for bucket {@code i}: its midpoint. */
    static long midpoint(int i) {
        return lower(i) + width(i) / 2;
    }

    /**
     * The nearest-rank {@code pct}th percentile of the {@code total} samples counted in
     * {@code counts[0..COUNT)}, capped at {@code max}; {@code -1} when there are none.
     */
    static long percentile(long[] counts, long total, int pct, long max) {
        if (total <= 0) {
            return -1;
        }
        long rank = Math.max(1, (pct * total + 99) / 100); // ceil(pct * total / 100), integer arithmetic
        if (rank >= total) {
            return max; // the largest sample is known exactly
        }
        long seen = 0;
        for (int i = 0; i < COUNT; i++) {
            seen += counts[i];
            if (seen >= rank) {
                return Math.min(midpoint(i), max);
            }
        }
        // counts read while being written can sum to less than total: the highest bucket then
        return max;
    }
}
