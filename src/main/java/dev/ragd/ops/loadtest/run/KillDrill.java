package dev.ragd.ops.loadtest.run;

import dev.ragd.ops.loadtest.Knee;
import dev.ragd.ops.loadtest.StepResult;
import dev.ragd.ops.loadtest.Target;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;

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
    private volatile double readyAtEpochS = -1;
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
            readyAfterMs = (System.nanoTime() - killed) / 1_000_000;
            readyAtEpochS = System.currentTimeMillis() / 1000.0;
        } catch (Exception e) {
            failure = e.getMessage();
        }
    }

    /** The report's lines: the kill, the restart, and what users saw compared with the ramp's step. */
    List<String> describe(StepRun.Measured m, List<StepResult> ramp, List<Ends.Answer> answers) {
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
        out.add(firstMinute(answers));
        return out;
    }

    /**
     * The restarted replica's first {@value #FIRST_WINDOW_S} s of traffic after it turned ready,
     * against the other replicas in the same seconds, as users saw it: p95 time to first token of
     * the answers whose question was sent in that window, by the replica nginx passed the socket
     * to (the ends files' exact times), so the cold (or warmed) newcomer is told apart from the
     * steady ones under the same load.
     */
    private String firstMinute(List<Ends.Answer> answers) {
        if (readyAtEpochS < 0) {
            return "no first-minute comparison: the restarted replica was not ready in the step";
        }
        double to = readyAtEpochS + FIRST_WINDOW_S;
        Predicate<Ends.Answer> inWindow = a -> a.sentS() >= readyAtEpochS && a.sentS() < to;
        String me = victim.address();
        Predicate<Ends.Answer> victimsInWindow = inWindow.and(a -> a.upstream().equals(me));
        long mine = answers.stream().filter(victimsInWindow).count();
        double victimP95 = Ends.p95TtftMs(answers, victimsInWindow);
        double othersP95 = Ends.p95TtftMs(answers, inWindow.and(a -> !a.upstream().equals(me) && !a.upstream().equals("-")));
        double later = Ends.p95TtftMs(answers, a -> a.sentS() >= to && a.upstream().equals(me));
        long seconds = Math.min(FIRST_WINDOW_S, Math.round(System.currentTimeMillis() / 1000.0 - readyAtEpochS));
        if (mine < 20 || Double.isNaN(othersP95)) {
            return String.format(Locale.ROOT, "first %d s after it was ready: %d answers from the restarted replica,"
                    + " too few to compare", seconds, mine);
        }
        return String.format(Locale.ROOT, "first %d s after it was ready, as users saw it: p95 time to first token %.0f ms"
                + " over %d answers from the restarted replica, %.0f ms from the other replicas in the same seconds:"
                + " ratio %.2f%s", seconds, victimP95, mine, othersP95, victimP95 / othersP95,
                Double.isNaN(later) ? "" : String.format(Locale.ROOT, " (its own p95 after that minute: %.0f ms)", later));
    }

    static final long FIRST_WINDOW_S = 60;
}
