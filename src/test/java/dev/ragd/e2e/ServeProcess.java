package dev.ragd.e2e;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code ragd serve} as a real child process (same JDK and classpath as the tests), for tests of
 * what only a process shows: signals, exit codes, files written.
 */
public final class ServeProcess {

    private ServeProcess() {}

    /** Starts {@code dev.ragd.Main serve} with {@code env} added, output to {@code output}; waits until it serves. */
    public static Process start(Map<String, String> env, Path output) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED",
                "--add-modules", "jdk.incubator.vector", "-cp", System.getProperty("java.class.path"),
                "dev.ragd.Main", "serve")
                .redirectErrorStream(true).redirectOutput(output.toFile());
        pb.environment().putAll(env);
        Process process = pb.start();
        try {
            awaitServing(process, output);
        } catch (Exception | AssertionError e) {
            process.destroyForcibly();
            throw e;
        }
        return process;
    }

    private static void awaitServing(Process process, Path output) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            String text = Files.exists(output) ? Files.readString(output, StandardCharsets.UTF_8) : "";
            if (text.contains("ragd is serving")) {
                return;
            }
            if (!process.isAlive()) {
                throw new AssertionError("ragd serve exited with " + process.exitValue() + ":\n" + text);
            }
            Thread.sleep(100);
        }
        throw new AssertionError("ragd serve did not start within 120 s");
    }

    /** A TCP port free on this machine right now. */
    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
