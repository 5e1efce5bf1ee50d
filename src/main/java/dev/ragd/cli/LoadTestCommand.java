package dev.ragd.cli;

import dev.ragd.ops.loadtest.Baseline;
import dev.ragd.ops.loadtest.Target;
import dev.ragd.ops.loadtest.run.Plan;
import dev.ragd.ops.loadtest.run.Rehearsal;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ragd loadtest}: a whole rehearsal in one command (docs in {@code loadtest/README.md}).
 * Progress goes to stderr; stdout gets the findings and, last, {@code knee_users=<n> p95_ttft_ms=<x>
 * errors=<y>}. Exit 0 when the run completed and its audit passed, 1 when the audit found a lost or
 * duplicated answer or a process failed, 2 for a bad option.
 */
@Command(name = "loadtest", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Load-test ragd with Locust: start the mock model and ragd (or use --target), run a step ramp",
                "of simulated WebSocket users, scrape /metrics, CPU and memory, and write a report folder",
                "(report.html with plots, steps.csv, steps-upstream.csv). Traffic stays on this machine unless",
                "--target names another host and --i-own-this-host is given."})
final class LoadTestCommand implements Callable<Integer> {

    private final CliContext ctx;

    @Option(names = "--profile", paramLabel = "NAME", defaultValue = "fast",
            description = "The mock model: fast, slow, rate-limited or flaky (default: ${DEFAULT-VALUE}).")
    String profile;
    @Option(names = "--users", paramLabel = "N,N,...", split = ",", defaultValue = "10,100,1000",
            description = "The step ramp: simulated users per step, ascending (default: ${DEFAULT-VALUE}).")
    List<Integer> users;
    @Option(names = "--step-seconds", paramLabel = "N", defaultValue = "60",
            description = "Measured seconds per step, after all its users started (default: ${DEFAULT-VALUE}).")
    int stepSeconds;
    @Option(names = "--replicas", paramLabel = "N", defaultValue = "1",
            description = "ragd replicas; more than one run behind nginx with a shared PostgreSQL chat log,"
                    + " and one is killed and restarted in an extra step (default: ${DEFAULT-VALUE}).")
    int replicas;
    @Option(names = "--target", paramLabel = "URL", description = "Test this running ragd instead of starting one.")
    String target;
    @Option(names = "--i-own-this-host", description = "Allow a --target that is not this machine.")
    boolean iOwnThisHost;
    @Option(names = "--out", paramLabel = "DIR", defaultValue = "loadtest-report",
            description = "The report folder (default: ${DEFAULT-VALUE}).")
    Path out;
    @Option(names = "--p95-ms", paramLabel = "MS", defaultValue = "1000",
            description = "The knee's target: p95 time to first token under this (default: ${DEFAULT-VALUE}).")
    double p95Ms;
    @Option(names = "--max-error-share", paramLabel = "F", defaultValue = "0.001",
            description = "The knee's target: failed questions under this share (default: ${DEFAULT-VALUE}).")
    double maxErrorShare;
    @Option(names = "--mode", paramLabel = "MODE", defaultValue = "native",
            description = "native (several questions per connection) or book (one per connection) (default: ${DEFAULT-VALUE}).")
    String mode;
    @Option(names = "--think-time", paramLabel = "S", defaultValue = "1-3",
            description = "Seconds between a user's questions, N or MIN-MAX (default: ${DEFAULT-VALUE}).")
    String thinkTime;
    @Option(names = "--spawn-rate", paramLabel = "N", defaultValue = "0",
            description = "Users started per second; 0 = a fifth of the step's users, at least 10 (default: ${DEFAULT-VALUE}).")
    int spawnRate;
    @Option(names = "--locust-workers", paramLabel = "N", defaultValue = "-1",
            description = "Locust worker processes per step; -1 = one per 400 users above 400 (default: ${DEFAULT-VALUE}).")
    int workers;
    @Option(names = "--no-direct", description = "Skip the ramp against the model directly.")
    boolean noDirect;
    @Option(names = "--kill-step-seconds", paramLabel = "N", defaultValue = "150",
            description = "Measured seconds of the kill step: the killed replica restarts, warms up and serves its first minute in it (default: ${DEFAULT-VALUE}).")
    int killSeconds;
    @Option(names = "--no-kill", description = "With --replicas above 1, skip the replica kill step.")
    boolean noKill;
    @Option(names = "--ragd-env", paramLabel = "KEY=VALUE", description = "A RAGD_* setting for every replica (repeatable).")
    Map<String, String> ragdEnv;
    @Option(names = "--pg-url", paramLabel = "JDBC_URL", description = "A PostgreSQL you own for the shared chat log.")
    String pgUrl;
    @Option(names = "--heap", paramLabel = "SIZE", defaultValue = "1g",
            description = "-Xmx of each replica and the mock (default: ${DEFAULT-VALUE}).")
    String heap;
    @Option(names = "--baseline", paramLabel = "DIR",
            description = "An earlier run's report folder (e.g. one replica's) to compare this run's knee, throughput and p95 with.")
    Path baseline;
    @Option(names = "--question-timeout-s", paramLabel = "S", defaultValue = "30",
            description = "Seconds a question may take before it counts as a timeout (default: ${DEFAULT-VALUE}).")
    double timeoutS;

    LoadTestCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() throws InterruptedException {
        Plan plan;
        try {
            Optional<URI> t = Optional.empty();
            if (target != null) {
                URI uri = new URI(target);
                Plan.checkTarget(uri, iOwnThisHost);
                t = Optional.of(uri);
            }
            plan = new Plan(profile, users, stepSeconds, replicas, t, ctx.workDir().resolve(out), new Target(p95Ms, maxErrorShare),
                    mode, thinkTime, spawnRate, workers, !noDirect && t.isEmpty(), !noKill, ragdEnv == null ? Map.of() : ragdEnv,
                    Optional.ofNullable(pgUrl), heap, timeoutS, killSeconds,
                    Optional.ofNullable(baseline).map(b -> Baseline.read(ctx.workDir().resolve(b))));
        } catch (IllegalArgumentException | URISyntaxException e) {
            ctx.err().println("ragd loadtest: " + e.getMessage());
            ctx.err().flush();
            return 2;
        }
        try {
            Rehearsal.Outcome outcome = Rehearsal.run(plan, ctx.err());
            outcome.lines().forEach(ctx.out()::println);
            ctx.out().flush();
            return outcome.audit().map(a -> a.passed() ? 0 : 1).orElse(0);
        } catch (IOException e) {
            ctx.err().println("ragd loadtest: " + e.getMessage());
            ctx.err().flush();
            return 1;
        }
    }
}
