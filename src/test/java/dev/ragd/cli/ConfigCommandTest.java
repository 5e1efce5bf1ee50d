package dev.ragd.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ragd.config.RagdConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConfigCommandTest {

    @TempDir
    Path workDir;

    record Result(int exit, String out, String err) {}

    private Result ragd(Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = RagdCli.run(new PrintWriter(out, true), new PrintWriter(err, true), args, env, workDir);
        return new Result(exit, out.toString(), err.toString());
    }

    @Test
    void printsEveryVariableAsNameEqualsValueInTableOrder() {
        Result r = ragd(Map.of(), "config");

        assertThat(r.exit()).isZero();
        String expected = RagdConfig.defaults().describe().entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue() + "\n").reduce("", String::concat);
        assertThat(r.out().replace("\r\n", "\n")).isEqualTo(expected);
        assertThat(r.out()).contains("PORT=8000\n", "RAGD_TOP_K=3\n", "RAGD_CHATLOG=file\n");
    }

    @Test
    void environmentOverridesDotEnvWhichOverridesDefaults() throws Exception {
        Files.writeString(workDir.resolve(".env"), "RAGD_TOP_K=7\nPORT=9000\n");

        Result r = ragd(Map.of("PORT", "8123"), "config");

        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("PORT=8123\n", "RAGD_TOP_K=7\n");
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource({"PORT, abc", "RAGD_TOP_K, 0", "RAGD_CHATLOG, mongo", "RAGD_LOG_CONTENT, maybe"})
    void badValueExitsTwoNamingTheVariable(String name, String value) {
        Result r = ragd(Map.of(name, value), "config");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("configuration error").contains(name).contains(value);
        assertThat(r.out()).isEmpty();
    }
}
