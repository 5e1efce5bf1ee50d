package dev.ragd.ops.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import java.util.stream.LongStream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class PercentilesTest {

    /**
     * The definition of nearest rank, checked by counting rather than by the index formula: the
     * smallest sample that at least pct% of the samples are less than or equal to.
     */
    private static long oracle(long[] sorted, int pct) {
        for (long candidate : sorted) {
            long atMost = Arrays.stream(sorted).filter(x -> x <= candidate).count();
            if (atMost * 100 >= (long) pct * sorted.length) {
                return candidate;
            }
        }
        throw new AssertionError("unreachable: the maximum qualifies for every pct <= 100");
    }

    @Property(tries = 2000)
    void nearestRankMatchesTheDefinition(@ForAll @Size(min = 1, max = 300) List<@IntRange(min = -50, max = 50) Integer> samples,
            @ForAll @IntRange(min = 0, max = 100) int pct) {
        long[] sorted = samples.stream().mapToLong(Integer::longValue).sorted().toArray();
        assertThat(Percentiles.of(sorted, pct)).isEqualTo(oracle(sorted, pct));
        double[] asDoubles = Arrays.stream(sorted).asDoubleStream().toArray();
        assertThat(Percentiles.of(asDoubles, pct)).isEqualTo((double) oracle(sorted, pct));
    }

    @Property
    void aHigherPercentileIsNeverSmaller(@ForAll @Size(min = 1, max = 100) List<Long> samples,
            @ForAll @IntRange(min = 0, max = 99) int pct) {
        long[] sorted = samples.stream().mapToLong(Long::longValue).sorted().toArray();
        assertThat(Percentiles.of(sorted, pct + 1)).isGreaterThanOrEqualTo(Percentiles.of(sorted, pct));
    }

    @Test
    void theEndsAreTheMinimumAndTheMaximum() {
        long[] sorted = {3, 5, 8, 13};
        assertThat(Percentiles.of(sorted, 0)).isEqualTo(3);
        assertThat(Percentiles.of(sorted, 100)).isEqualTo(13);
        assertThat(Percentiles.of(sorted, 50)).isEqualTo(5); // rank ceil(2) = 2: nearest rank, no averaging
        assertThat(Percentiles.of(new long[] {42}, 95)).isEqualTo(42);
    }

    @Test
    void theRankIsExactWhereFloatingPointIsNot() {
        // 7 / 100.0 * 100 is 7.000000000000001 in doubles; ceil of that would pick rank 8
        long[] oneToHundred = LongStream.rangeClosed(1, 100).toArray();
        assertThat(Percentiles.of(oneToHundred, 7)).isEqualTo(7);
        assertThat(Percentiles.of(oneToHundred, 95)).isEqualTo(95);
    }

    @Test
    void noSamplesGiveZeroAndAPercentileOutOfRangeIsRefused() {
        assertThat(Percentiles.of(new long[0], 95)).isZero();
        assertThat(Percentiles.of(new double[0], 50)).isZero();
        assertThatThrownBy(() -> Percentiles.of(new long[] {1}, 101)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Percentiles.of(new long[] {1}, -1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void nanosecondsPrintAsMillisecondsWithTwoDecimals() {
        assertThat(Percentiles.ms(4_071_234)).isEqualTo("4.07");
        assertThat(Percentiles.ms(0)).isEqualTo("0.00");
    }
}
