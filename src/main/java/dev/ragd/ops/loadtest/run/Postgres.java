package dev.ragd.ops.loadtest.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A throwaway PostgreSQL server for a rehearsal's shared chat log: Debian's {@code postgresql}
 * binaries, a fresh cluster in the run's folder, loopback only, trust authentication, stopped with
 * the run. As root it runs as the {@code postgres} user (the server refuses to run as root).
 */
final class Postgres {

    static final String USER = "ragd";

    private final int port;
    private final Path dir;

    private Postgres(int port, Path dir) {
        this.port = port;
        this.dir = dir;
    }

    /** The newest {@code /usr/lib/postgresql/<version>/bin}, or a message saying how to get one. */
    static Path binaries() throws IOException {
        Path root = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(root)) {
            try (Stream<Path> versions = Files.list(root)) {
                List<Path> bins = versions.map(v -> v.resolve("bin")).filter(b -> Files.isExecutable(b.resolve("postgres")))
                        .sorted(Comparator.comparingInt(Postgres::major).reversed()).toList();
                if (!bins.isEmpty()) {
                    return bins.get(0);
                }
            }
        }
        throw new IOException("--replicas above 1 share one PostgreSQL chat log, and no server was found under "
                + root + ": apt-get install postgresql, or give --pg-url of a server you own");
    }

    private static int major(Path bin) {
        try {
            return Integer.parseInt(bin.getParent().getFileName().toString());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /**
     * Starts a fresh cluster in a new folder under the system's temp folder (the {@code postgres}
     * user must be able to reach it, which a private run folder may not allow); {@link #delete()}
     * removes it once the server has stopped.
     */
    static Postgres start(Children children, int maxConnections) throws IOException, InterruptedException {
        Path bin = binaries();
        Path dir = Files.createTempDirectory("ragd-loadtest-pg-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        List<String> asUser = new ArrayList<>();
        if (isRoot()) {
            new ProcessBuilder("chown", "-R", "postgres:postgres", dir.toString()).inheritIO().start().waitFor();
            asUser.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        List<String> init = new ArrayList<>(asUser);
        init.addAll(List.of(bin.resolve("initdb").toString(), "-D", dir.resolve("data").toString(), "-U", USER,
                "--auth=trust", "-E", "UTF8", "--no-sync"));
        Process initdb = children.start("postgres-initdb", new ProcessBuilder(init));
        if (initdb.waitFor() != 0) {
            throw new IOException("initdb failed:\n" + children.tail("postgres-initdb", 4000));
        }
        int port = Ports.free();
        List<String> run = new ArrayList<>(asUser);
        run.addAll(List.of(bin.resolve("postgres").toString(), "-D", dir.resolve("data").toString(), "-p",
                Integer.toString(port), "-h", "127.0.0.1", "-k", dir.toString(), "-c",
                "max_connections=" + maxConnections));
        Process server = children.start("postgres", new ProcessBuilder(run));
        Postgres pg = new Postgres(port, dir);
        long deadline = System.nanoTime() + 30_000_000_000L;
        SQLException last = null;
        while (System.nanoTime() < deadline) {
            if (!server.isAlive()) {
                throw new IOException("postgres exited with " + server.exitValue() + ":\n" + children.tail("postgres", 4000));
            }
            try (Connection c = DriverManager.getConnection(pg.jdbcUrl(), USER, "")) {
                return pg;
            } catch (SQLException notYet) {
                last = notYet;
                Thread.sleep(100);
            }
        }
        throw new IOException("postgres did not accept connections within 30 s: " + last);
    }

    private static boolean isRoot() throws IOException {
        return Files.readAllLines(Path.of("/proc/self/status")).stream()
                .anyMatch(l -> l.startsWith("Uid:") && l.split("\\s+")[1].equals("0"));
    }

    /** Deletes the cluster's folder (call after the server stopped). */
    void delete() {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort: it is under the temp folder
        }
    }

    String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
    }

    /** What makes a replica use this server as its chat log. */
    Map<String, String> ragdEnv(int poolSize) {
        return Map.of("RAGD_CHATLOG", "postgres", "RAGD_PG_URL", jdbcUrl(), "RAGD_PG_USER", USER,
                "RAGD_PG_POOL_SIZE", Integer.toString(poolSize));
    }
}
