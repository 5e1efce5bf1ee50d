package dev.ragd.ops.loadtest.run;

import dev.ragd.ops.loadtest.StepResult;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Runs one step: Locust started, its stats reset once every user runs (the measured window opens
 * there, and the scrapes and CPU readings start with it), an optional action in the window (the
 * kill drill), then Locust's numbers, ragd's metrics and the processes' CPU and memory as one
 * {@link StepResult}. It also watches the load generator's own CPU: a Locust process near a full
 * core measures itself, not the server.
 */
final class StepRun {

    /** A measured step, with what Locust said. */
    record Measured(StepResult result, LocustStats stats) {}

    private final Plan plan;
    private final Children children;
    private final Http http;
    private final Path dir;
    private final Consumer<String> say;
    private final List<String> generator = new ArrayList<>();
    private LongSupplier modelPid;

    StepRun(Plan plan, Children children, Http http, Path dir, Consumer<String> say) {
        this.plan = plan;
        this.children = children;
        this.http = http;
        this.dir = dir;
        this.say = say;
    }

    /** Also report the model mock's CPU per step (it shares the machine with what is measured). */
    void watchModel(LongSupplier pid) {
        this.modelPid = pid;
    }

    Measured run(String name, Locust locust, String host, int users, int seconds, List<Sampler.Watched> watched,
            Path endsDir, Runnable inWindow) throws IOException, InterruptedException {
        int workers = plan.workersFor(users);
        int rate = plan.spawnRateFor(users);
        say.accept(String.format(Locale.ROOT, "step %s: %d users (started %d/s, %d Locust worker(s)), %d s measured",
                name, users, rate, workers, seconds));
        Locust.Running running = locust.start(children, name, host, users, rate, seconds, workers, dir,
                endsDir == null ? null : endsDir.resolve("ends-" + name));
        awaitReset(name, running, Locust.rampSeconds(users, rate) + 60);
        List<Sampler.Watched> locustPids = running.processes().stream()
                .map(p -> new Sampler.Watched(null, p::pid)).toList();
        Thread action = null;
        LocustStats stats;
        Sampler load = new Sampler(http, locustPids);
        Sampler model = new Sampler(http, modelPid == null ? List.of() : List.of(new Sampler.Watched(null, modelPid)));
        long[] machineFrom = ProcStat.machine();
        try (Sampler sampler = new Sampler(http, watched)) {
            if (inWindow != null) {
                action = Thread.ofPlatform().name("loadtest-" + name).start(inWindow);
            }
            try {
                stats = running.await(children, name);
            } finally {
                load.close();
                model.close();
            }
            int cores = Runtime.getRuntime().availableProcessors();
            double machine = ProcStat.busyCores(machineFrom, ProcStat.machine(), cores);
            if (action != null) {
                action.join();
            }
            sampler.close();
            StepResult result = new StepResult(users, seconds, stats.questions(), stats.ttft()[0], stats.ttft()[1],
                    stats.ttft()[2], stats.answer()[0], stats.answer()[1], stats.answer()[2], stats.tokens() / seconds,
                    stats.errorsByKind(), sampler.cpuCoresTotal(), sampler.rssMax(), sampler.metrics());
            double locustCores = load.cpuCoresTotal();
            generator.add(String.format(Locale.ROOT, "%s: Locust used %.2f cores in %d process(es)%s%s", name, locustCores,
                    locustPids.size(), load.cpuCoresMax() > 0.9 ? " (one process near a full core: it may measure"
                            + " itself; give more --locust-workers)" : "", model.cpuCoresTotal() >= 0
                            ? String.format(Locale.ROOT, "; the model mock %.2f cores", model.cpuCoresTotal()) : "")
                    + (result.cpuCores() >= 0 ? String.format(Locale.ROOT, "; ragd %.2f cores", result.cpuCores()) : "")
                    + (machine >= 0 ? String.format(Locale.ROOT, "; the whole machine %.2f of %d cores busy", machine,
                            cores) : ""));
            say.accept(String.format(Locale.ROOT, "step %s: %d questions, %d answered, p95 time to first token %.0f ms,"
                    + " errors %s", name, stats.questions(), stats.answers(), stats.ttft()[1], stats.errorsByKind()));
            return new Measured(result, stats);
        }
    }

    /** Waits for Locust's "Resetting stats" (all users started), the start of the measured window. */
    private void awaitReset(String name, Locust.Running running, int timeoutS) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeoutS * 1_000_000_000L;
        Process master = running.processes().get(0);
        while (System.nanoTime() < deadline) {
            if (children.tail(name, 1 << 20).contains("Resetting stats")) {
                return;
            }
            if (!master.isAlive()) {
                throw new IOException("Locust exited with " + master.exitValue() + " before all users started:\n"
                        + children.tail(name, 4000));
            }
            Thread.sleep(100);
        }
        throw new IOException("Locust did not start all users within " + timeoutS + " s:\n" + children.tail(name, 4000));
    }

    /** One line per step on what the load generator used. */
    List<String> loadGeneratorLines() {
        return List.copyOf(generator);
    }
}
