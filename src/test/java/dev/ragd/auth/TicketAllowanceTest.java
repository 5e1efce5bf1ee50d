package dev.ragd.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TicketAllowanceTest {

    final AtomicLong now = new AtomicLong(1_000_000);
    final TicketAllowance allowance = new TicketAllowance(3, 30_000, now::get);

    @Test
    void anIdentityGetsItsTicketsPerWindowThenIsToldHowLongToWait() {
        for (int i = 0; i < 3; i++) {
            assertThat(allowance.take("alice")).isZero();
        }
        now.addAndGet(10_000);
        assertThat(allowance.take("alice")).isEqualTo(20_000);
        assertThat(allowance.take("bob")).as("another identity is not held back").isZero();
        now.addAndGet(20_000);
        assertThat(allowance.take("alice")).as("a new window").isZero();
    }

    @Test
    void identitiesOfPastWindowsAreForgotten() {
        for (int i = 0; i < 1_100; i++) {
            allowance.take("user-" + i);
        }
        now.addAndGet(30_000);
        allowance.take("late");
        for (int i = 0; i < 3; i++) {
            assertThat(allowance.take("user-1")).as("its old window is gone").isZero();
        }
    }
}
