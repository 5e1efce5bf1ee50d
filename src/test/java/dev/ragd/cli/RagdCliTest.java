package dev.ragd.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RagdCliTest {

    @TempDir
    Path workDir;

    record Result(int exit, String out, String err) {}

    private Result ragd(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = RagdCli.run(new PrintWriter(out, true), new PrintWriter(err, true), args,
                Map.of("RAGD_DATA_DIR", workDir.resolve("data").toString()), workDir);
        return new Result(exit, out.toString(), err.toString());
    }

    @Test
    void helpListsEveryCommand() {
        Result r = ragd("--help");

        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("Usage: ragd").contains("serve", "ingest", "logs", "config", "help");
    }

    @Test
    void noArgumentsPrintsUsageListingTheCommands() {
        Result r = ragd();

        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("Usage: ragd", "logs");
    }

    @ParameterizedTest
    @ValueSource(strings = {"serve", "ingest", "logs", "config"})
    void everyCommandHasHelp(String command) {
        Result r = ragd(command, "--help");

        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("Usage: ragd " + command).contains("--help");
    }

    @Test
    void helpCommandShowsACommandsHelp() {
        Result r = ragd("help", "logs");

        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("Usage: ragd logs", "--last", "--format");
    }

    @Test
    void versionIsPrinted() {
        Result r = ragd("--version");

        assertThat(r.exit()).isZero();
        assertThat(r.out()).startsWith("ragd ");
    }

    @Test
    void unknownCommandFailsWithAMessageNamingIt() {
        Result r = ragd("frobnicate");

        assertThat(r.exit()).isNotZero();
        assertThat(r.err()).contains("frobnicate");
    }
}
