package dev.ragd.ops.status;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Random;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;

class LatencyBucketsTest {

    @Test
    void everyValueFallsInTheBucketThatHoldsItAndBucketsTileTheRangeWithoutGaps() {
        long expectedLower = 0;
        for (int i = 0; i < LatencyBuckets.COUNT; i++) {
            assertThat(LatencyBuckets.lower(i)).as("bucket %d starts where %d ended", i, i - 1).isEqualTo(expectedLower);
            long width = LatencyBuckets.width(i);
            assertThat(width).isPositive();
            if (i >= LatencyBuckets.EXACT) {
                assertThat(width * 16).as("width of bucket %d at most 1/16 of its lower bound", i)
                        .isLessThanOrEqualTo(LatencyBuckets.lower(i));
            }
            expectedLower += width;
        }
        assertThat(expectedLower).isEqualTo(1L << LatencyBuckets.MAX_BITS);
        for (long v = 0; v < 1L << LatencyBuckets.MAX_BITS; v++) {
            int i = LatencyBuckets.index(v);
            if (v < LatencyBuckets.lower(i) || v >= LatencyBuckets.lower(i) + LatencyBuckets.width(i)) {
                throw new AssertionError(v + " is not in its bucket " + i);
            }
        }
    }

    @Test
    void outOfRangeValuesAreClampedToTheEndBuckets() {
        assertThat(LatencyBuckets.index(-5)).isZero();
        assertThat(LatencyBuckets.index(1L << LatencyBuckets.MAX_BITS)).isEqualTo(LatencyBuckets.COUNT - 1);
        assertThat(LatencyBuckets.index(Long.MAX_VALUE)).isEqualTo(LatencyBuckets.COUNT - 1);
    }

    @Test
    void noSamplesHaveNoPercentile() {
        assertThat(LatencyBuckets.percentile(new long[LatencyBuckets.COUNT], 0, 50, 0)).isEqualTo(-1);
    }

    @Test
    void percentilesAreWithinOneThirtySecondOfTheSortedListsNearestRankAndExactBelow32Ms() {
        Random random = new Random(42);
        LongSupplier[] shapes = {
            () -> random.nextInt(31),                                         // all exact
            () -> 50 + random.nextInt(5_000),                                 // uniform
            () -> Math.round(Math.exp(5 + 1.5 * random.nextGaussian())),      // log-normal, long tail
            () -> random.nextInt(10) == 0 ? 30_000 + random.nextInt(90_000) : 200 + random.nextInt(300), // bimodal
        };
        for (int shape = 0; shape < shapes.length; shape++) {
            for (int n : new int[] {1, 2, 7, 100, 1_000, 20_000}) {
                long[] samples = new long[n];
                long[] counts = new long[LatencyBuckets.COUNT];
                long max = 0;
                for (int k = 0; k < n; k++) {
                    samples[k] = Math.min(shapes[shape].getAsLong(), (1L << LatencyBuckets.MAX_BITS) - 1);
                    counts[LatencyBuckets.index(samples[k])]++;
                    max = Math.max(max, samples[k]);
                }
                Arrays.sort(samples);
                for (int p : new int[] {0, 1, 50, 90, 95, 99, 100}) {
                    long truth = samples[(int) Math.max(0, ((long) p * n + 99) / 100 - 1)]; // nearest rank
                    long reported = LatencyBuckets.percentile(counts, n, p, max);
                    String what = "shape " + shape + ", n=" + n + ", p" + p;
                    if (truth < LatencyBuckets.EXACT) {
                        assertThat(reported).as(what).isEqualTo(truth);
                    } else {
                        assertThat((double) Math.abs(reported - truth)).as(what + ": %d vs %d", reported, truth)
                                .isLessThanOrEqualTo(truth / 32.0);
                    }
                }
                assertThat(LatencyBuckets.percentile(counts, n, 100, max)).as("p100 is the exact max").isEqualTo(max);
            }
        }
    }
}
