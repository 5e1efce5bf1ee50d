package dev.ragd.testsupport;

import dev.ragd.App;
import dev.ragd.chatlog.ChatRecord;
import dev.ragd.config.Env;
import dev.ragd.config.RagdConfig;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The real ragd object graph ({@link App#start}) on an ephemeral loopback port with its own data
 * directory (the sample corpus is indexed into it on start), plus a separate client-side
 * {@link Vertx} for the test's WebSocket and HTTP clients. Closing stops both and deletes the data.
 */
public final class RunningApp implements AutoCloseable {

    private final Path dataDir;
    private final App app;
    private final Vertx clientVertx;

    private RunningApp(Path dataDir, App app, Vertx clientVertx) {
        this.dataDir = dataDir;
        this.app = app;
        this.clientVertx = clientVertx;
    }

    /**
     * Starts ragd with {@code RAGD_HOST=127.0.0.1}, {@code PORT=0}, a fresh temporary
     * {@code RAGD_DATA_DIR}, {@code RAGD_EXTRACTIVE_TOKEN_MS=0} and {@code RAGD_STREAM_COALESCE_MS=0}
     * (one token frame per token, so tests can check frame by frame), {@code RAGD_WARMUP_MS=0} (ready at once); {@code env} adds or overrides
     * variables. Blocks until the server listens.
     */
    public static RunningApp start(Map<String, String> env) {
        Path dir;
        try {
            dir = Files.createTempDirectory("ragd-e2e-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> vars = new HashMap<>(Map.of("RAGD_DATA_DIR", dir.toString(), "PORT", "0",
                "RAGD_HOST", "127.0.0.1", "RAGD_EXTRACTIVE_TOKEN_MS", "0", "RAGD_STREAM_COALESCE_MS", "0",
                "RAGD_WARMUP_MS", "0"));
        vars.putAll(env);
        try {
            return new RunningApp(dir, App.start(RagdConfig.from(new Env(vars))), Vertx.vertx());
        } catch (RuntimeException | Error e) {
            deleteTree(dir);
            throw e;
        }
    }

    public App app() {
        return app;
    }

    public int port() {
        return app.port();
    }

    /** {@code http://127.0.0.1:<port>/}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + port() + "/";
    }

    /** The test side's Vert.x, for clients. */
    public Vertx clientVertx() {
        return clientVertx;
    }

    /**
     * The newest chat-log record whose log id or client request id is {@code id}, if it has been
     * written (looks at the newest 1000).
     */
    public Optional<ChatRecord> record(String id) {
        return app.chatLog().recent(1000).stream().filter(r -> r.id().equals(id) || id.equals(r.requestId()))
                .findFirst();
    }

    @Override
    public void close() throws Exception {
        try {
            clientVertx.close().await(20, TimeUnit.SECONDS);
        } finally {
            try {
                app.close();
            } finally {
                deleteTree(dataDir);
            }
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort: a temp directory left behind is not a test failure
        }
    }
}
