package dev.ragd.ops.loadtest.run;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * One step of the ramp as a headless Locust run of the bundled locustfile: {@code users} users
 * started at {@code spawnRate} a second, stats reset once all are running ({@code --reset-stats}),
 * then {@code seconds} of measurement; users finish the answer they are reading before it stops
 * ({@code --stop-timeout}). With {@code workers > 0} it runs a master and that many worker
 * processes, since one Locust process stays honest only up to a few hundred streaming users.
 *
 * @param python     the interpreter that has Debian's python3-locust and python3-websocket
 * @param locustfile the bundled locustfile
 * @param mode       native, book (ragd's WebSocket protocols) or openai (the model directly)
 * @param thinkTime  seconds between two questions of a user, {@code N} or {@code MIN-MAX}
 * @param timeoutS   seconds one question may take
 */
record Locust(Path python, Path locustfile, String mode, String thinkTime, double timeoutS) {

    /** A step's Locust processes, master first. */
    record Running(List<Process> processes, Path prefix, long deadlineNanos) {

        /** Waits for the master to finish (and the workers, which quit with it). */
        LocustStats await(Children children, String name) throws IOException, InterruptedException {
            Process master = processes.get(0);
            long left = deadlineNanos - System.nanoTime();
            if (!master.waitFor(Math.max(1, left), TimeUnit.NANOSECONDS)) {
                processes.forEach(p -> Children.stop(p, 5_000));
                throw new IOException("Locust did not stop on its own in time:\n" + children.tail(name, 4000));
            }
            for (Process w : processes.subList(1, processes.size())) {
                if (!w.waitFor(30, TimeUnit.SECONDS)) {
                    Children.stop(w, 5_000);
                }
            }
            // Exit 1 is Locust saying some requests failed: the failures are data, in the CSV.
            if (master.exitValue() > 1) {
                throw new IOException("Locust exited with " + master.exitValue() + ":\n" + children.tail(name, 4000));
            }
            return LocustStats.read(prefix);
        }

        /** CPU seconds used so far by all of the step's Locust processes. */
        double cpuSeconds() {
            return processes.stream().mapToDouble(p -> Math.max(0, ProcStat.of(p.pid()).cpuSeconds())).sum();
        }
    }

    /** Seconds to start {@code users} at {@code spawnRate}, rounded up, plus one to settle. */
    static int rampSeconds(int users, int spawnRate) {
        return (users + spawnRate - 1) / spawnRate + 1;
    }

    Running start(Children children, String name, String host, int users, int spawnRate, int seconds, int workers,
            Path dir, Path endsFile) throws IOException {
        Path prefix = dir.resolve(name);
        int runSeconds = rampSeconds(users, spawnRate) + seconds;
        int stopTimeout = (int) Math.ceil(timeoutS) + 5;
        List<String> master = new ArrayList<>(List.of(python.toString(), "-m", "locust", "-f", locustfile.toString(),
                "--headless", "-u", Integer.toString(users), "-r", Integer.toString(spawnRate), "-t", runSeconds + "s",
                "--stop-timeout", Integer.toString(stopTimeout), "--reset-stats", "--only-summary",
                "--csv", prefix.toString(), "--host", host, "--loglevel", "INFO"));
        master.addAll(ragdOptions(endsFile));
        int masterPort = workers > 0 ? Ports.free() : -1;
        if (workers > 0) {
            master.addAll(List.of("--master", "--expect-workers", Integer.toString(workers), "--master-bind-host",
                    "127.0.0.1", "--master-bind-port", Integer.toString(masterPort)));
        }
        List<Process> processes = new ArrayList<>();
        processes.add(children.start(name, new ProcessBuilder(master).directory(dir.toFile())));
        for (int w = 0; w < workers; w++) {
            List<String> worker = new ArrayList<>(List.of(python.toString(), "-m", "locust", "-f", locustfile.toString(),
                    "--worker", "--master-host", "127.0.0.1", "--master-port", Integer.toString(masterPort),
                    "--reset-stats", "--loglevel", "WARNING"));
            worker.addAll(ragdOptions(endsFile));
            processes.add(children.start(name + "-worker-" + (w + 1), new ProcessBuilder(worker).directory(dir.toFile())));
        }
        long budget = TimeUnit.SECONDS.toNanos(runSeconds + stopTimeout + 60L);
        return new Running(processes, prefix, System.nanoTime() + budget);
    }

    private List<String> ragdOptions(Path endsFile) {
        List<String> o = new ArrayList<>(List.of("--ragd-mode", mode, "--ragd-think-time", thinkTime,
                "--ragd-timeout", String.format(Locale.ROOT, "%.1f", timeoutS)));
        if (endsFile != null) {
            o.addAll(List.of("--ragd-ends", endsFile.toString()));
        }
        return o;
    }

    /** Fails naming the packages when {@code python} cannot import Locust and websocket-client. */
    static void check(Path python) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(python.toString(), "-c", "import locust, websocket")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(python + " cannot import locust and websocket (apt-get install python3-locust"
                    + " python3-websocket): " + out.strip());
        }
    }
}
