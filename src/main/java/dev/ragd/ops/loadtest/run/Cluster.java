package dev.ragd.ops.loadtest.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * What a rehearsal starts to test when it has no {@code --target}: the mock model, then the
 * replicas; with more than one, a throwaway PostgreSQL for their shared chat log (or the given
 * {@code --pg-url}), the sample index built once and copied to each, and nginx in front with the
 * shipped reference configuration.
 */
final class Cluster {

    private final Plan plan;
    private final Children children;
    private final JavaChild java;
    private final Http http;
    private final Path work;
    private final List<Replica> replicas = new ArrayList<>();
    private Upstream upstream;
    private Postgres postgres;
    private Proxy proxy;

    Cluster(Plan plan, Children children, JavaChild java, Http http, Path work) {
        this.plan = plan;
        this.children = children;
        this.java = java;
        this.http = http;
        this.work = work;
    }

    /** Replicas share one chat log when there are several (or a server is given). */
    boolean shared() {
        return plan.replicas() > 1 || plan.pgUrl().isPresent();
    }

    void start(Path bundled, Consumer<String> progress) throws IOException, InterruptedException {
        progress.accept("starting ragd mock-llm --profile " + plan.profile());
        upstream = Upstream.start(children, java, plan.profile(), http);
        Map<String, String> chatLog = Map.of();
        if (shared()) {
            if (plan.pgUrl().isPresent()) {
                chatLog = Map.of("RAGD_CHATLOG", "postgres", "RAGD_PG_URL", plan.pgUrl().get());
            } else {
                progress.accept("starting PostgreSQL for the shared chat log");
                postgres = Postgres.start(children, plan.replicas() * 12 + 10);
                chatLog = postgres.ragdEnv(10);
            }
            seedIndex(progress);
        }
        for (int i = 1; i <= plan.replicas(); i++) {
            Map<String, String> env = env(i, chatLog);
            if (shared()) {
                // Each replica reads its own copy, as replicas do with an index baked into their image.
                // (RAGD_STATELESS=true would insist on a read-only mount, which needs root here.)
                Path copy = work.resolve("replica-" + i).resolve("index");
                copyTree(work.resolve("index"), copy);
                env.put("RAGD_INDEX_DIR", copy.toString());
            }
            replicas.add(new Replica("ragd-" + i, Ports.free(), env));
        }
        progress.accept("starting " + plan.replicas() + " ragd replica(s); ready means warmed up");
        for (Replica r : replicas) {
            r.start(children, java);
        }
        for (Replica r : replicas) {
            r.awaitReady(children, http, 300_000);
        }
        if (replicas.size() > 1) {
            proxy = Proxy.start(children, bundled, work.resolve("nginx"), replicas.stream().map(Replica::address).toList(),
                    plan.users().getLast());
        }
    }

    /** Builds the sample index once with a throwaway replica, so the stateless ones only read it. */
    private void seedIndex(Consumer<String> progress) throws IOException, InterruptedException {
        progress.accept("building the sample index");
        Map<String, String> env = env(0, Map.of("RAGD_CHATLOG", "none"));
        env.put("RAGD_WARMUP_MS", "0");
        Replica seed = new Replica("ragd-seed", Ports.free(), env);
        seed.start(children, java);
        try {
            seed.awaitReady(children, http, 300_000);
        } finally {
            seed.stop();
        }
    }

    private Map<String, String> env(int index, Map<String, String> chatLog) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("RAGD_HOST", "127.0.0.1");
        env.put("RAGD_DATA_DIR", work.resolve("replica-" + index).toString());
        env.put("RAGD_INDEX_DIR", work.resolve("index").toString());
        env.put("RAGD_LLM", "openai");
        env.put("OPENAI_BASE_URL", upstream.baseUrl());
        env.put("OPENAI_API_KEY", "loadtest-key");
        // Every simulated user comes from 127.0.0.1; the per-address cap is for real clients.
        env.put("RAGD_MAX_CONNECTIONS_PER_IP", Integer.toString(Math.min(1_000_000, plan.users().getLast() * 2 + 100)));
        env.put("RAGD_LOG_LEVEL", "warn");
        env.putAll(chatLog);
        env.putAll(plan.ragdEnv());
        return env;
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path p : paths.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else if (!p.getFileName().toString().equals("write.lock")) {
                    Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    List<Replica> replicas() {
        return replicas;
    }

    Upstream upstream() {
        return upstream;
    }

    /** Where the simulated users connect: nginx, or the only replica. */
    String host() {
        return "ws://127.0.0.1:" + (proxy != null ? proxy.port() : replicas.get(0).port());
    }

    boolean proxied() {
        return proxy != null;
    }

    /** A replica's settings, for reading the chat log they wrote. */
    Map<String, String> replicaEnv() {
        return replicas.get(0).env();
    }

    /** Stops the replicas (SIGTERM: each drains and flushes its chat-log queue). */
    void stopReplicas() {
        replicas.forEach(Replica::stop);
    }

    void cleanUp() {
        if (postgres != null) {
            postgres.delete();
        }
    }
}
