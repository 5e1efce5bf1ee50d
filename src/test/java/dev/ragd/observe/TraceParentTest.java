package dev.ragd.observe;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A caller's {@code traceparent} is used when valid and ignored (a new trace) when not, per W3C Trace Context. */
class TraceParentTest {

    @Test
    void aValidHeaderIsReadAndWrittenBackTheSame() {
        TraceParent p = TraceParent.parse("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
        assertThat(p).isEqualTo(new TraceParent("4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7", 1));
        assertThat(p.header()).isEqualTo("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
    }

    @Test
    void aFutureVersionIsReadByItsFirstFourFields() {
        assertThat(TraceParent.parse("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00-future"))
                .isEqualTo(new TraceParent("4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7", 0));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "garbage", "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
            "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
            "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra",
            "00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-1"})
    void aMalformedHeaderIsIgnored(String header) {
        assertThat(TraceParent.parse(header)).isNull();
    }

    @Test
    void anAbsentOrHugeHeaderIsIgnoredWithoutScanningIt() {
        assertThat(TraceParent.parse(null)).isNull();
        assertThat(TraceParent.parse("00-" + "a".repeat(100_000))).isNull();
    }
}
