package dev.ragd.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code ragd serve}'s refusals and help, in process. A serve that starts blocks until the process
 * stops, so only paths that must exit are run here, each under a timeout that fails the test
 * instead of hanging the build if serve starts after all.
 */
class ServeCommandTest {

    @TempDir
    Path workDir;

    record Result(int exit, String out, String err) {}

    private Result serve(Map<String, String> env, String... args) {
        return serve(Duration.ofSeconds(30), env, args);
    }

    private Result serve(Duration timeout, Map<String, String> env, String... args) {
        Map<String, String> vars = new HashMap<>(Map.of("RAGD_DATA_DIR", workDir.resolve("data").toString(),
                "RAGD_HOST", "127.0.0.1"));
        vars.putAll(env);
        String[] argv = new String[args.length + 1];
        argv[0] = "serve";
        System.arraycopy(args, 0, argv, 1, args.length);
        return assertTimeoutPreemptively(timeout, () -> {
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            int exit = RagdCli.run(new PrintWriter(out, true), new PrintWriter(err, true), argv, vars, workDir);
            return new Result(exit, out.toString(), err.toString());
        }, "ragd serve " + String.join(" ", args) + " should have exited, not served");
    }

    @Test
    void exitWhenReadyWarmsUpTurnsReadyAndStopsCleanly() {
        long start = System.nanoTime();
        Result r = serve(Duration.ofSeconds(120), Map.of("PORT", "0", "RAGD_WARMUP_MS", "1500", "RAGD_LOG_FORMAT", "text"),
                "--exit-when-ready");
        long tookMs = (System.nanoTime() - start) / 1_000_000;

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.err()).contains("ragd: ready; stopping (--exit-when-ready)");
        assertThat(tookMs).as("the warm-up ran before ready").isGreaterThanOrEqualTo(1500);
        assertThat(r.out()).contains("ragd is serving on");
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", "-1", "70000", "8000.5", ""})
    void badPortOptionExitsTwoNamingTheOption(String port) {
        Result r = serve(Map.of(), "--port", port);

        assertThat(r.exit()).as(r.err()).isEqualTo(2);
        assertThat(r.err()).contains("--port");
        assertThat(r.out()).doesNotContain("serving");
    }

    @Test
    void portOptionWithoutAValueExitsTwoNamingTheOption() {
        Result r = serve(Map.of(), "--port");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("--port");
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", "-1", "70000"})
    void badPortVariableExitsTwoNamingPort(String port) {
        Result r = serve(Map.of("PORT", port));

        assertThat(r.exit()).as(r.err()).isEqualTo(2);
        assertThat(r.err()).contains("PORT").contains(port);
        assertThat(r.out()).doesNotContain("serving");
    }

    @Test
    void badPortInDotEnvFileExitsTwoNamingPort() throws Exception {
        Files.writeString(workDir.resolve(".env"), "PORT=eighty\n");

        Result r = serve(Map.of());

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("PORT='eighty'");
    }

    @Test
    void statelessModeRefusesTheFileChatLogBeforeStarting() {
        Result r = serve(Map.of("RAGD_STATELESS", "true"));

        assertThat(r.exit()).as(r.err()).isEqualTo(2);
        assertThat(r.err()).contains("RAGD_STATELESS=true refuses RAGD_CHATLOG=file");
        assertThat(r.out()).doesNotContain("serving");
    }

    @Test
    void statelessModeRefusesADotEnvFile() throws Exception {
        Files.writeString(workDir.resolve(".env"), "RAGD_TOP_K=3\n");

        Result r = serve(Map.of("RAGD_STATELESS", "true", "RAGD_CHATLOG", "none"));

        assertThat(r.exit()).as(r.err()).isEqualTo(2);
        assertThat(r.err()).contains("refuses the .env file");
    }

    @Test
    void unknownOptionExitsTwoNamingIt() {
        Result r = serve(Map.of(), "--prot", "8000");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("--prot");
    }

    @Test
    void helpListsThePortOption() {
        Result r = serve(Map.of(), "--help");

        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("Usage: ragd serve").contains("--port=N").contains("PORT");
    }
}
