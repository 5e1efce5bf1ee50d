package dev.ragd.mock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class MockProfileTest {

    private static final MockLlmOptions BASE = MockLlmOptions.defaults().withSeed(7).withPort(9000);

    @Test
    void fastIsAHealthySmallModel() {
        MockLlmOptions o = MockProfile.FAST.apply(BASE);

        assertThat(o.ttftMs()).isEqualTo(300);
        assertThat(o.tokenMs()).isEqualTo(20);
        assertThat(o.tokens()).isEqualTo(150);
        assertThat(o.rate429() + o.rate5xx() + o.stall() + o.cut()).isZero();
        assertThat(o.tpm()).isZero();
        assertThat(o.seed()).as("other knobs kept").isEqualTo(7);
        assertThat(o.port()).isEqualTo(9000);
    }

    @Test
    void slowIsALargeModelAtPeakHours() {
        MockLlmOptions o = MockProfile.SLOW.apply(BASE);

        assertThat(o.ttftMs()).isEqualTo(1_200);
        assertThat(o.tokenMs()).isEqualTo(45);
        assertThat(o.tokens()).isEqualTo(250);
        assertThat(o.rate429() + o.rate5xx() + o.stall() + o.cut()).isZero();
    }

    @Test
    void rateLimitedIsFastWithTenPercent429sAndAnEnforcedQuota() {
        MockLlmOptions o = MockProfile.RATE_LIMITED.apply(BASE);

        assertThat(o.ttftMs()).isEqualTo(300);
        assertThat(o.tokenMs()).isEqualTo(20);
        assertThat(o.tokens()).isEqualTo(150);
        assertThat(o.rate429()).isEqualTo(0.10);
        assertThat(o.retryAfterS()).isEqualTo(2);
        assertThat(o.tpm()).isEqualTo(1_000_000);
        assertThat(o.rpm()).isEqualTo(6_000);
        assertThat(o.rate5xx() + o.stall() + o.cut()).isZero();
    }

    @Test
    void flakyIsFastWithSmallSharesOfStallsServerErrorsAndCuts() {
        MockLlmOptions o = MockProfile.FLAKY.apply(BASE);

        assertThat(o.ttftMs()).isEqualTo(300);
        assertThat(o.tokens()).isEqualTo(150);
        assertThat(o.rate5xx()).isEqualTo(0.03);
        assertThat(o.stall()).isEqualTo(0.02);
        assertThat(o.cut()).isEqualTo(0.02);
        assertThat(o.rate429()).isZero();
        assertThat(o.tpm()).isZero();
    }

    @Test
    void labelsParseCaseInsensitivelyAndAnUnknownOneNamesTheOption() {
        assertThat(MockProfile.parse("Rate-Limited")).isEqualTo(MockProfile.RATE_LIMITED);
        assertThat(MockProfile.parse(" flaky ")).isEqualTo(MockProfile.FLAKY);
        assertThat(MockProfile.labels()).isEqualTo("fast, slow, rate-limited, flaky");

        assertThatThrownBy(() -> MockProfile.parse("turbo"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--profile must be one of fast, slow, rate-limited, flaky, got 'turbo'");
    }

    @Test
    void aNegativeQuotaIsRefusedNamingTheOption() {
        assertThatThrownBy(() -> BASE.withTpm(-1)).hasMessageStartingWith("--tpm must be a non-negative integer");
        assertThatThrownBy(() -> BASE.withRpm(-1)).hasMessageStartingWith("--rpm must be a non-negative integer");
    }
}
