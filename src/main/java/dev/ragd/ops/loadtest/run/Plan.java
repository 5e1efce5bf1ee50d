package dev.ragd.ops.loadtest.run;

import dev.ragd.mock.MockProfile;
import dev.ragd.ops.loadtest.Baseline;
import dev.ragd.ops.loadtest.Target;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What one {@code ragd loadtest} run does, validated before anything starts; every message names
 * the option and the rule.
 *
 * @param profile       the mock model's profile (unused with {@code target})
 * @param users         the step ramp, ascending user counts
 * @param stepSeconds   measured seconds per step (after all users are running)
 * @param replicas      ragd replicas to start (behind nginx when more than one)
 * @param target        an already running ragd to test instead of starting one
 * @param out           the report folder
 * @param goal          what a step must meet to count as served (the knee's target)
 * @param mode          the locustfile's WebSocket protocol: native or book
 * @param thinkTime     seconds between a user's questions, {@code N} or {@code MIN-MAX}
 * @param spawnRate     users started per second; 0 = a fifth of the step's users, at least 10
 * @param workers       Locust worker processes; -1 = one per 400 users above 400, at least 2
 * @param direct        also run the ramp against the model directly (needs the mock)
 * @param kill          with several replicas, SIGKILL one and restart it during an extra step
 * @param ragdEnv       settings given to every replica (on top of the rehearsal's own)
 * @param pgUrl         a PostgreSQL server for the shared chat log instead of a throwaway one
 * @param heap          {@code -Xmx} of each replica and of the mock
 * @param timeoutS      seconds one question may take before Locust counts a timeout
 * @param killSeconds   the kill step's measured seconds: long enough for a replica to restart and warm up
 * @param baseline      an earlier run to compare with (e.g. one replica's, for a run with three)
 */
public record Plan(String profile, List<Integer> users, int stepSeconds, int replicas, Optional<URI> target, Path out,
        Target goal, String mode, String thinkTime, int spawnRate, int workers, boolean direct, boolean kill,
        Map<String, String> ragdEnv, Optional<String> pgUrl, String heap, double timeoutS, int killSeconds,
        Optional<Baseline> baseline) {

    public static final int MAX_USERS = 20_000;
    public static final int MAX_STEPS = 12;
    public static final int MAX_STEP_SECONDS = 3_600;
    public static final int MAX_REPLICAS = 8;
    /** A run stops itself: the sum of its steps (both ramps, the kill step) may not exceed this. */
    public static final int MAX_TOTAL_MINUTES = 120;

    public Plan {
        users = List.copyOf(users);
        ragdEnv = Map.copyOf(ragdEnv);
        if (target.isEmpty()) {
            MockProfile.parse(profile); // names the profiles when it is not one of them
        }
        if (users.isEmpty() || users.size() > MAX_STEPS) {
            throw new IllegalArgumentException("--users needs 1 to " + MAX_STEPS + " user counts, got " + users.size());
        }
        for (int i = 0; i < users.size(); i++) {
            int u = users.get(i);
            if (u < 1 || u > MAX_USERS) {
                throw new IllegalArgumentException("--users: each count must be 1.." + MAX_USERS + ", got " + u);
            }
            if (i > 0 && u <= users.get(i - 1)) {
                throw new IllegalArgumentException("--users must ascend, got " + users.get(i - 1) + " then " + u);
            }
        }
        if (stepSeconds < 1 || stepSeconds > MAX_STEP_SECONDS) {
            throw new IllegalArgumentException("--step-seconds must be 1.." + MAX_STEP_SECONDS + ", got " + stepSeconds);
        }
        if (replicas < 1 || replicas > MAX_REPLICAS) {
            throw new IllegalArgumentException("--replicas must be 1.." + MAX_REPLICAS + ", got " + replicas);
        }
        if (target.isPresent() && replicas != 1) {
            throw new IllegalArgumentException("--replicas starts ragd processes; with --target (a running ragd) leave it out");
        }
        if (!Set.of("native", "book").contains(mode)) {
            throw new IllegalArgumentException("--mode must be native or book, got " + mode);
        }
        if (spawnRate < 0) {
            throw new IllegalArgumentException("--spawn-rate must be 0 (automatic) or more, got " + spawnRate);
        }
        if (workers < -1 || workers > 64) {
            throw new IllegalArgumentException("--locust-workers must be -1 (automatic) to 64, got " + workers);
        }
        if (!(timeoutS > 0 && timeoutS <= 600)) {
            throw new IllegalArgumentException("--question-timeout-s must be in (0, 600], got " + timeoutS);
        }
        if (!heap.matches("[1-9][0-9]*[mMgG]")) {
            throw new IllegalArgumentException("--heap must look like 512m or 2g, got " + heap);
        }
        for (String k : ragdEnv.keySet()) {
            if (!k.startsWith("RAGD_") && !k.startsWith("OTEL_")) {
                throw new IllegalArgumentException("--ragd-env takes RAGD_* and OTEL_* settings, got " + k);
            }
        }
        if (killSeconds < 5 || killSeconds > MAX_STEP_SECONDS) {
            throw new IllegalArgumentException("--kill-step-seconds must be 5.." + MAX_STEP_SECONDS + ", got " + killSeconds);
        }
        // The record's fields are assigned after this body: compute from the parameters.
        long minutes = Math.round(totalSeconds(users, stepSeconds, spawnRate, direct, kill && replicas > 1 ? killSeconds : 0) / 60.0);
        if (minutes > MAX_TOTAL_MINUTES) {
            throw new IllegalArgumentException("this run would take about " + minutes + " minutes of load, over the "
                    + MAX_TOTAL_MINUTES + "-minute bound: fewer --users steps or a shorter --step-seconds");
        }
    }

    /** Refuses a target that is not this machine unless the operator says they own it. */
    public static void checkTarget(URI target, boolean iOwnThisHost) {
        String scheme = String.valueOf(target.getScheme());
        if (!Set.of("http", "https", "ws", "wss").contains(scheme) || target.getHost() == null) {
            throw new IllegalArgumentException("--target must be an http(s):// or ws(s):// URL with a host, got " + target);
        }
        if (!iOwnThisHost && !loopback(target.getHost())) {
            throw new IllegalArgumentException("--target " + target.getHost() + " is not this machine: a load test"
                    + " against another host needs --i-own-this-host (only load hosts you own)");
        }
    }

    private static boolean loopback(String host) {
        try {
            for (InetAddress a : InetAddress.getAllByName(host)) {
                if (!a.isLoopbackAddress()) {
                    return false;
                }
            }
            return true;
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("--target host " + host + " does not resolve");
        }
    }

    /** Users started per second for a step of {@code n} users. */
    int spawnRateFor(int n) {
        return spawnRateFor(spawnRate, n);
    }

    private static int spawnRateFor(int spawnRate, int n) {
        return spawnRate > 0 ? spawnRate : Math.max(10, n / 5);
    }

    int workersFor(int n) {
        return workers >= 0 ? workers : n > 400 ? Math.max(2, (n + 399) / 400) : 0;
    }

    boolean killStep() {
        return kill && replicas > 1;
    }

    /** The load's duration: every step's ramp and measured window, both ramps and the kill step. */
    double totalSeconds() {
        return totalSeconds(users, stepSeconds, spawnRate, direct, killStep() ? killSeconds : 0);
    }

    // Static: the canonical constructor checks it before the record's fields are assigned.
    private static double totalSeconds(List<Integer> users, int stepSeconds, int spawnRate, boolean direct, int kill) {
        double one = users.stream().mapToDouble(u -> Locust.rampSeconds(u, spawnRateFor(spawnRate, u)) + stepSeconds).sum();
        return one * (direct ? 2 : 1) + kill;
    }

}
