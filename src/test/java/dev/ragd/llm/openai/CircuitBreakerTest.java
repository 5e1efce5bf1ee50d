package dev.ragd.llm.openai;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ragd.llm.UpstreamException.Kind;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class CircuitBreakerTest {

    private final AtomicLong now = new AtomicLong(1_000);
    private final CircuitBreaker breaker = new CircuitBreaker(3, 500, now::get);

    private void failOnce(Kind kind) {
        breaker.onFailure(breaker.tryAcquire(), kind);
    }

    @Test
    void opens_after_threshold_consecutive_failures_and_rejects_with_time_until_half_open() {
        failOnce(Kind.UNAVAILABLE);
        failOnce(Kind.RATE_LIMITED);
        assertThat(breaker.isOpen()).isFalse();
        failOnce(Kind.TIMEOUT);
        assertThat(breaker.isOpen()).isTrue();
        now.addAndGet(200);
        CircuitBreaker.Permit p = breaker.tryAcquire();
        assertThat(p.allowed()).isFalse();
        assertThat(p.retryAfterMs()).isEqualTo(300);
        assertThat(breaker.retryAfterMs()).isEqualTo(300);
    }

    @Test
    void a_success_resets_the_consecutive_count() {
        failOnce(Kind.UNAVAILABLE);
        failOnce(Kind.UNAVAILABLE);
        breaker.onSuccess(breaker.tryAcquire());
        failOnce(Kind.UNAVAILABLE);
        failOnce(Kind.UNAVAILABLE);
        assertThat(breaker.isOpen()).isFalse();
    }

    @Test
    void client_errors_do_not_count() {
        for (int i = 0; i < 10; i++) {
            failOnce(Kind.AUTH);
            failOnce(Kind.BAD_REQUEST);
        }
        assertThat(breaker.isOpen()).isFalse();
    }

    @Test
    void half_open_lets_one_trial_through_and_its_success_closes() {
        for (int i = 0; i < 3; i++) failOnce(Kind.UNAVAILABLE);
        now.addAndGet(500);
        CircuitBreaker.Permit trial = breaker.tryAcquire();
        assertThat(trial.allowed()).isTrue();
        assertThat(trial.trial()).isTrue();
        assertThat(breaker.tryAcquire().allowed()).as("second caller during trial").isFalse();
        breaker.onSuccess(trial);
        assertThat(breaker.isOpen()).isFalse();
        assertThat(breaker.tryAcquire().allowed()).isTrue();
    }

    @Test
    void failed_trial_reopens_for_a_full_reset_period() {
        for (int i = 0; i < 3; i++) failOnce(Kind.UNAVAILABLE);
        now.addAndGet(600);
        breaker.onFailure(breaker.tryAcquire(), Kind.TIMEOUT);
        assertThat(breaker.isOpen()).isTrue();
        assertThat(breaker.retryAfterMs()).isEqualTo(500);
    }

    @Test
    void abandoned_trial_frees_the_slot_for_the_next_caller() {
        for (int i = 0; i < 3; i++) failOnce(Kind.UNAVAILABLE);
        now.addAndGet(500);
        breaker.onAbandon(breaker.tryAcquire());
        assertThat(breaker.tryAcquire().allowed()).isTrue();
    }
}
