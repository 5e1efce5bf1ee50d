package dev.ragd.ops.loadtest.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The child processes of one load test (model mock, replicas, proxy, database, Locust): each logs
 * to its own file in the run's log folder, and all are stopped when the run ends, however it ends
 * (normal end, exception, or the JVM's shutdown on Ctrl+C), so a rehearsal never leaves a process
 * behind.
 */
final class Children implements AutoCloseable {

    private final Path logs;
    private final List<Process> processes = new ArrayList<>();
    private final Thread hook = new Thread(this::stopAll, "loadtest-children");

    Children(Path logs) throws IOException {
        this.logs = Files.createDirectories(logs);
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** Starts {@code command}, stdout and stderr to {@code <logs>/<name>.log} (appended, so a restart keeps the first life's lines). */
    synchronized Process start(String name, ProcessBuilder command) throws IOException {
        Path log = log(name);
        command.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        Process p = command.start();
        processes.add(p);
        return p;
    }

    Path log(String name) {
        return logs.resolve(name + ".log");
    }

    /** The log's text so far ("" when there is none), for error messages. */
    String tail(String name, int maxChars) {
        try {
            String text = Files.exists(log(name)) ? Files.readString(log(name)) : "";
            return text.length() <= maxChars ? text : "..." + text.substring(text.length() - maxChars);
        } catch (IOException e) {
            return "(cannot read " + log(name) + ": " + e.getMessage() + ")";
        }
    }

    /** SIGTERM, then SIGKILL for what is still running after {@code graceMs}. */
    static void stop(Process p, long graceMs) {
        if (!p.isAlive()) {
            return;
        }
        p.destroy();
        try {
            if (!p.waitFor(graceMs, TimeUnit.MILLISECONDS)) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private synchronized void stopAll() {
        // Last started first: Locust before the replicas, the replicas before their database.
        for (int i = processes.size() - 1; i >= 0; i--) {
            stop(processes.get(i), 15_000);
        }
        processes.clear();
    }

    @Override
    public void close() {
        stopAll();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or has run
        }
    }
}
