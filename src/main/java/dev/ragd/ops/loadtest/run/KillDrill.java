package dev.ragd.ops.loadtest.run;

import dev.ragd.ops.loadtest.Knee;
import dev.ragd.ops.loadtest.MetricsDelta;
import dev.ragd.ops.loadtest.PrometheusText;
import dev.ragd.ops.loadtest.StepResult;
import dev.ragd.ops.loadtest.Target;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The scale-out rehearsal's failure: a quarter into an extra step, one replica is SIGKILLed (a
 * crash or an OOM kill: no drain) and started again at once; the step shows what users saw
 * (error frames, closes, reconnects) and the audit afterwards checks that no answer a user
 * received was lost.
 */
final class KillDrill {

    private final Replica victim;
    private final Children children;
    private final JavaChild java;
    private final Http http;
    private final int seconds;
    private volatile long killedAtMs = -1;
    private volatile long readyAfterMs = -1;
    private volatile long readyAtNanos = -1;
    private volatile String failure;

    KillDrill(Replica victim, Children children, JavaChild java, Http http, int seconds) {
        this.victim = victim;
        this.children = children;
        this.java = java;
        this.http = http;
        this.seconds = seconds;
    }

    /** The drill's load: the knee's users when there is one, else the ramp's first step. */
    static int users(List<StepResult> ramp, Target goal) {
        Knee knee = Knee.find(ramp, goal);
        return knee.users() > 0 ? knee.users() : ramp.get(0).users();
    }

    /** Runs in the step's window: waits a quarter of it, kills, restarts, waits until ready. */
    void run() {
        long start = System.nanoTime();
        try {
            Thread.sleep(seconds * 250L);
            victim.kill();
            killedAtMs = (System.nanoTime() - start) / 1_000_000;
            long killed = System.nanoTime();
            victim.start(children, java);
            victim.awaitReady(children, http, Math.max(60_000, seconds * 1000L));
            readyAtNanos = System.nanoTime();
            readyAfterMs = (readyAtNanos - killed) / 1_000_000;
        } catch (Exception e) {
            failure = e.getMessage();
        }
    }

    /** The report's lines: the kill, the restart, and what users saw compared with the ramp's step. */
    List<String> describe(StepRun.Measured m, List<StepResult> ramp, int victimIndex) {
        List<String> out = new ArrayList<>();
        StepResult s = m.result();
        out.add(String.format(Locale.ROOT, "%s was SIGKILLed %.1f s into a %d s step of %d users and started again; %s",
                victim.name(), killedAtMs / 1000.0, seconds, s.users(),
                failure != null ? "the restart FAILED: " + failure
                        : readyAfterMs >= 0 ? String.format(Locale.ROOT, "it was ready (warmed up) %.1f s after the kill",
                                readyAfterMs / 1000.0) : "it was not ready by the step's end"));
        out.add(String.format(Locale.ROOT, "users saw: %d questions, %d answered, %d failed %s; %d connections opened"
                + " (reconnects included), %d sockets found closed by the server while idle", s.requests(),
                m.stats().answers(), s.errors(), s.errorsByKind(), m.stats().connects(), m.stats().idleCloses()));
        ramp.stream().filter(r -> r.users() == s.users()).findFirst().ifPresent(r -> out.add(String.format(Locale.ROOT,
                "the same users without a kill: %d questions, %d failed; p95 time to first token %.0f ms (with the"
                        + " kill %.0f ms)", r.requests(), r.errors(), r.ttftP95Ms(), s.ttftP95Ms())));
        out.add(firstMinute(m.sampler(), victimIndex));
        return out;
    }

    /**
     * The restarted replica's first {@value #FIRST_WINDOW_S} s of traffic after it turned ready,
     * against the other replicas in the same seconds: p95 time to first token from each replica's
     * own {@code ragd_chat_time_to_first_token_seconds} (interpolated in its buckets), so the cold
     * (or warmed) newcomer is told apart from the steady ones under the same load.
     */
    private String firstMinute(Sampler sampler, int victimIndex) {
        if (readyAtNanos < 0) {
            return "no first-minute comparison: the restarted replica was not ready in the step";
        }
        long to = readyAtNanos + FIRST_WINDOW_S * 1_000_000_000L;
        // From just before ready: the new process's counters start at zero there.
        List<PrometheusText> mine = sampler.scrapes(victimIndex, readyAtNanos - 1_500_000_000L, to);
        double victim = p95(mine);
        long firsts = firstTokens(mine);
        List<String> others = new ArrayList<>();
        double sum = 0;
        int n = 0;
        for (int i = 0; i < sampler.size(); i++) {
            if (i != victimIndex) {
                double p = p95(sampler.scrapes(i, readyAtNanos, to));
                if (p > 0) {
                    others.add(String.format(Locale.ROOT, "%.0f", p));
                    sum += p;
                    n++;
                }
            }
        }
        long seconds = Math.min(FIRST_WINDOW_S, (System.nanoTime() - readyAtNanos) / 1_000_000_000L);
        if (victim <= 0 || n == 0) {
            return String.format(Locale.ROOT, "first %d s after it was ready: %d first tokens on the restarted replica,"
                    + " too few to compare", seconds, firsts);
        }
        return String.format(Locale.ROOT, "first %d s after it was ready: the restarted replica's p95 time to first token"
                + " (server side) %.0f ms over %d answers; the other replicas' in the same seconds %s ms; ratio %.2f",
                seconds, victim, firsts, String.join(", ", others), victim / (sum / n));
    }

    static final long FIRST_WINDOW_S = 60;

    private static double p95(List<PrometheusText> scrapes) {
        return scrapes.size() < 2 ? -1 : MetricsDelta.of(scrapes)
                .quantile("ragd_chat_time_to_first_token_seconds", 0.95).orElse(-1) * 1000;
    }

    private static long firstTokens(List<PrometheusText> scrapes) {
        return scrapes.size() < 2 ? 0 : Math.round(MetricsDelta.of(scrapes)
                .increase("ragd_chat_time_to_first_token_seconds_count"));
    }
}
