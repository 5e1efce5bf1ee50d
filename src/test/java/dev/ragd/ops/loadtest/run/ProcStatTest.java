package dev.ragd.ops.loadtest.run;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProcStatTest {

    @Test
    void thisProcessAndTheMachineAreRead() {
        ProcStat me = ProcStat.of(ProcessHandle.current().pid());
        assertThat(me.known()).isTrue();
        assertThat(me.rssBytes()).isPositive();
        assertThat(ProcStat.of(Long.MAX_VALUE)).isEqualTo(ProcStat.GONE);

        long[] machine = ProcStat.machine();
        assertThat(machine).hasSize(2);
        assertThat(machine[0]).isPositive().isLessThanOrEqualTo(machine[1]);
    }

    @Test
    void busyCoresAreTheBusyShareOfTheTicksTimesTheCores() {
        assertThat(ProcStat.busyCores(new long[] {100, 1_000}, new long[] {400, 1_400}, 2)).isEqualTo(1.5);
        assertThat(ProcStat.busyCores(new long[] {100, 1_000}, new long[] {100, 1_000}, 2)).as("no time passed").isEqualTo(-1);
        assertThat(ProcStat.busyCores(null, new long[] {1, 2}, 2)).isEqualTo(-1);
    }
}
