package dev.ragd.testsupport;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
        ProcessBuilder pb = command(List.of(), env).redirectErrorStream(true).redirectOutput(output.toFile());
        return startAndAwait(pb, output);
    }

    /**
     * The same with the shipped logging configuration ({@code logback.xml}, not the tests'
     * {@code logback-test.xml}), stdout to {@code stdout} and stderr apart to {@code stderr}.
     */
    public static Process startShippedLogging(Map<String, String> env, Path stdout, Path stderr) throws Exception {
        Path logback = Path.of(ServeProcess.class.getResource("/logback.xml").toURI());
        ProcessBuilder pb = command(List.of("-Dlogback.configurationFile=" + logback), env)
                .redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
        return startAndAwait(pb, stdout);
    }

    private static ProcessBuilder command(List<String> jvmOptions, Map<String, String> env) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED",
                "--add-modules", "jdk.incubator.vector"));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.ragd.Main", "serve"));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().put("RAGD_WARMUP_MS", "0"); // ready at once unless a test asks for a warm-up
        pb.environment().putAll(env);
        return pb;
    }

    private static Process startAndAwait(ProcessBuilder pb, Path output) throws Exception {
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
