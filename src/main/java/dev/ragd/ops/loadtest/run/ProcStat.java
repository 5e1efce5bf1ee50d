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
public record ProcStat(double cpuSeconds, long rssBytes) {

    static final ProcStat GONE = new ProcStat(-1, -1);

    /** Linux's USER_HZ, the unit of {@code /proc/<pid>/stat}'s times: 100 on every mainstream architecture. */
    private static final double TICKS_PER_SECOND = 100;

    public static ProcStat of(long pid) {
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

    /**
     * The whole machine's CPU so far from {@code /proc/stat}: {busy, all} in ticks over every core
     * (busy = all but idle and I/O wait), or {@code null} when it cannot be read.
     */
    static long[] machine() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long all = 0;
            for (int i = 1; i < Math.min(f.length, 9); i++) { // user nice system idle iowait irq softirq steal
                all += Long.parseLong(f[i]);
            }
            return new long[] {all - Long.parseLong(f[4]) - Long.parseLong(f[5]), all};
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Busy cores between two {@link #machine()} readings on a machine of {@code cores}, or -1. */
    static double busyCores(long[] from, long[] to, int cores) {
        if (from == null || to == null || to[1] <= from[1]) {
            return -1;
        }
        return (double) (to[0] - from[0]) / (to[1] - from[1]) * cores;
    }

    boolean known() {
        return cpuSeconds >= 0;
    }
}
