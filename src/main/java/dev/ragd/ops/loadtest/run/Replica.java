package dev.ragd.ops.loadtest.run;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One {@code ragd serve} child on a fixed loopback port, which keeps its port across a restart so
 * the proxy in front finds it again. Ready means {@code /readyz} answered 200, which includes
 * ragd's warm-up ({@code RAGD_WARMUP_MS}).
 */
final class Replica {

    private final String name;
    private final int port;
    private final Map<String, String> env;
    private Process process;

    Replica(String name, int port, Map<String, String> env) {
        this.name = name;
        this.port = port;
        java.util.Map<String, String> withPort = new java.util.LinkedHashMap<>(env);
        withPort.put("PORT", Integer.toString(port));
        this.env = java.util.Collections.unmodifiableMap(withPort);
    }

    /** Starts the process (its log {@code <name>.log}); {@link #awaitReady} waits for it. */
    void start(Children children, JavaChild java) throws IOException {
        process = children.start(name, java.ragd(List.of("serve"), env));
    }

    void awaitReady(Children children, Http http, long timeoutMs) throws IOException, InterruptedException {
        Process p = process;
        http.awaitOk(base() + "/readyz", "ragd replica " + name, p::isAlive, timeoutMs, () -> children.tail(name, 4000));
    }

    /** SIGKILL, as a crash or an OOM kill looks: no drain, no flush. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    /** SIGTERM and wait: ragd drains, flushes its chat-log queue and exits (SIGKILL after 30 s). */
    void stop() {
        if (process != null) {
            Children.stop(process, 30_000);
        }
    }

    Map<String, String> env() {
        return env;
    }

    String name() {
        return name;
    }

    int port() {
        return port;
    }

    String base() {
        return "http://127.0.0.1:" + port;
    }

    String address() {
        return "127.0.0.1:" + port;
    }

    /** The current process's pid; -1 before the first start. */
    long pid() {
        return process == null ? -1 : process.pid();
    }

    boolean alive() {
        return process != null && process.isAlive();
    }
}
