package dev.ragd.ops.loadtest.run;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/**
 * The system's nginx (Debian's package) in front of the replicas, configured with the shipped
 * {@code deploy/nginx/ragd.conf} ({@link NginxConfig}), as a child process in the foreground with
 * its own folder: never the system service.
 */
final class Proxy {

    static final Path BINARY = Path.of("/usr/sbin/nginx");

    private final int port;
    private final Process process;

    private Proxy(int port, Process process) {
        this.port = port;
        this.process = process;
    }

    /**
     * Starts nginx on a free loopback port in front of {@code replicas} (host:port each), its files in
     * {@code dir}; {@code bundled} is the {@link Bundled} folder.
     */
    static Proxy start(Children children, Path bundled, Path dir, List<String> replicas, int users) throws IOException, InterruptedException {
        if (!Files.isExecutable(BINARY)) {
            throw new IOException(BINARY + " is missing: --replicas above 1 runs the replicas behind nginx"
                    + " (apt-get install nginx)");
        }
        String shipped = Files.readString(bundled.resolve("deploy/nginx/ragd.conf"));
        int port = Ports.free();
        Files.createDirectories(dir.resolve("temp"));
        // nginx started by root drops its workers to nobody; they must reach the temp paths in here.
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        // Every simulated user comes from 127.0.0.1, and each costs nginx two connections.
        String conf = NginxConfig.namingUpstream(
                NginxConfig.perClientCap(NginxConfig.render(shipped, replicas, "127.0.0.1:" + port), users + 64));
        Files.writeString(dir.resolve("ragd.conf"), conf);
        Files.writeString(dir.resolve("nginx.conf"), NginxConfig.mainConfig(dir, Math.max(1024, users * 2 + 256)));
        Process p = children.start("nginx", new ProcessBuilder(BINARY.toString(), "-p", dir + "/", "-c",
                dir.resolve("nginx.conf").toString(), "-g", "daemon off;"));
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new IOException("nginx exited with " + p.exitValue() + ":\n" + children.tail("nginx", 4000)
                        + (Files.exists(dir.resolve("error.log")) ? Files.readString(dir.resolve("error.log")) : ""));
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return new Proxy(port, p);
            } catch (IOException notYet) {
                Thread.sleep(20);
            }
        }
        throw new IOException("nginx did not listen on " + port + " within 10 s:\n" + children.tail("nginx", 4000));
    }

    int port() {
        return port;
    }

    long pid() {
        return process.pid();
    }
}
