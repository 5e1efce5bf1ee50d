package dev.ragd.deploy;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.ragd.ops.loadtest.run.NginxConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The system's nginx binary run as a child process of the test, never the system service: its own
 * prefix directory (a fresh temporary one) holding the configuration, pid file, logs and temp
 * paths, listening on an ephemeral loopback port, in the foreground ({@code daemon off}).
 *
 * <p>The configuration is the shipped {@code deploy/nginx/ragd.conf}, {@linkplain #render rendered}
 * for the test: the lines marked {@code # @replica} become one {@code server} line per test replica
 * (keeping the shipped parameters), the {@code # @listen} line listens on the test's port. It is
 * included in a minimal main configuration ({@link #mainConfig}) that only sets what the shipped
 * file leaves to the operator's {@code nginx.conf}: pid, logs, workers, temp paths.
 */
final class Nginx implements AutoCloseable {

    static final Path BINARY = Path.of("/usr/sbin/nginx");
    static final Path SHIPPED = Path.of("deploy/nginx/ragd.conf");


    private final Path dir;
    private final Process process;
    private final int port;

    private Nginx(Path dir, Process process, int port) {
        this.dir = dir;
        this.process = process;
        this.port = port;
    }

    static boolean installed() {
        return Files.isExecutable(BINARY);
    }

    /**
     * Skips the calling test when nginx is not installed. Call it per test ({@code @BeforeEach}):
     * surefire does not report a class skipped from {@code @BeforeAll}, so the message would be lost.
     */
    static void assumeInstalled() {
        assumeTrue(installed(), BINARY + " is missing, so the nginx reference proxy tests are skipped"
                + " (apt-get install nginx; .ci/run installs it)");
    }

    /** {@link NginxConfig#render}. */
    static String render(String shipped, List<String> replicas, String listen) {
        return NginxConfig.render(shipped, replicas, listen);
    }

    static String mainConfig(Path dir) {
        return NginxConfig.mainConfig(dir, 1024);
    }

    /** Starts nginx in front of {@code replicas} (host:port each) on a free loopback port. */
    static Nginx start(List<String> replicas) throws Exception {
        return start(replicas, java.util.function.UnaryOperator.identity());
    }

    /** As {@link #start(List)}, with the shipped configuration changed by {@code edit} first. */
    static Nginx start(List<String> replicas, java.util.function.UnaryOperator<String> edit) throws Exception {
        String shipped = edit.apply(Files.readString(SHIPPED));
        IOException last = null;
        for (int attempt = 0; attempt < 3; attempt++) { // a free port may be taken before nginx binds it
            int port = freePort();
            Path dir = Files.createTempDirectory("ragd-nginx-");
            // nginx running as root drops its workers to nobody; they must reach the temp paths in here.
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.createDirectories(dir.resolve("temp"));
            Files.writeString(dir.resolve("ragd.conf"), render(shipped, replicas, "127.0.0.1:" + port));
            Files.writeString(dir.resolve("nginx.conf"), mainConfig(dir));
            Process p = new ProcessBuilder(BINARY.toString(), "-p", dir + "/", "-c", dir.resolve("nginx.conf").toString(),
                    "-g", "daemon off;").redirectErrorStream(true).redirectOutput(dir.resolve("stderr.log").toFile()).start();
            Nginx nginx = new Nginx(dir, p, port);
            try {
                nginx.awaitListening();
                return nginx;
            } catch (IOException e) {
                last = e;
                nginx.close();
            }
        }
        throw last;
    }

    private void awaitListening() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("nginx exited with " + process.exitValue() + ": " + read("stderr.log")
                        + read("error.log"));
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return;
            } catch (IOException notYet) {
                Thread.sleep(20);
            }
        }
        throw new IOException("nginx did not listen on " + port + " within 10 s: " + read("error.log"));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress("127.0.0.1", 0));
            return s.getLocalPort();
        }
    }

    int port() {
        return port;
    }

    String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    /** The access log lines so far (one per finished request; a WebSocket's when it closed). */
    List<String> accessLog() {
        String text = read("access.log");
        List<String> lines = new ArrayList<>();
        for (String l : text.split("\n")) {
            if (!l.isBlank()) {
                lines.add(l);
            }
        }
        return lines;
    }

    String errorLog() {
        return read("error.log");
    }

    private String read(String name) {
        try {
            Path f = dir.resolve(name);
            return Files.exists(f) ? Files.readString(f, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stops nginx (SIGTERM: fast shutdown), its workers too, and deletes its directory. */
    @Override
    public void close() throws InterruptedException {
        List<ProcessHandle> workers = process.toHandle().descendants().toList();
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
        for (ProcessHandle w : workers) { // a killed master leaves its workers running
            w.destroyForcibly();
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort
        }
    }
}
