package dev.ragd.ops.loadtest.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One process's CPU time and resident memory from Linux's {@code /proc}: what the load test
 * records per replica and per step.
 *
 * @param cpuSeconds user plus system CPU time so far, in seconds; -1 when the process is gone
 * @param rssBytes   resident set size now; -1 when the process is gone
 */
record ProcStat(double cpuSeconds, long rssBytes) {

    static final ProcStat GONE = new ProcStat(-1, -1);

    /** Linux's USER_HZ, the unit of {@code /proc/<pid>/stat}'s times: 100 on every mainstream architecture. */
    private static final double TICKS_PER_SECOND = 100;

    static ProcStat of(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // The command name (field 2) is in parentheses and may hold spaces: count fields after the last ')'.
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
            // After the name: state is field 3, so utime (14) and stime (15) are at 11 and 12.
            double cpu = (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS_PER_SECOND;
            long rss = -1;
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    rss = Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
            return new ProcStat(cpu, rss);
        } catch (IOException | RuntimeException gone) {
            return GONE;
        }
    }

    boolean known() {
        return cpuSeconds >= 0;
    }
}
