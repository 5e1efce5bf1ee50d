package dev.ragd.cli;

import static dev.ragd.testsupport.ChatRecords.T0;
import static dev.ragd.testsupport.ChatRecords.record;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ragd.Main;
import dev.ragd.chatlog.ChatLog;
import dev.ragd.chatlog.ChatLogs;
import dev.ragd.chatlog.ChatRecord;
import dev.ragd.config.Env;
import dev.ragd.config.RagdConfig;
import dev.ragd.testsupport.FakeCosmos;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What a pipe sees: {@code ragd logs --format jsonl}, {@code ragd logs export --out -} and
 * {@code ragd config} run as real processes with the shipped {@code logback.xml} (logs at INFO), and
 * their stdout must parse strictly as data, for every backend; the libraries' logs (the PostgreSQL
 * pool's, the Cosmos SDK's) must be on stderr instead.
 */
class CliStdoutTest {

    @TempDir
    static Path dir;

    static StoreBackends stores;

    @BeforeAll
    static void start() {
        stores = new StoreBackends(dir);
    }

    @AfterAll
    static void stop() throws Exception {
        stores.close();
    }

    record Run(int exit, String out, String err) {}

    /** {@code dev.ragd.Main args} in a child JVM with the shipped logging configuration. */
    static Run ragd(Map<String, String> env, String... args) throws Exception {
        return ragd(env, null, args);
    }

    /** The same with standard input read from {@code stdin} (null: none). */
    static Run ragd(Map<String, String> env, Path stdin, String... args) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path logback = Path.of(Main.class.getResource("/logback.xml").toURI());
        List<String> command = new ArrayList<>(List.of(java, "-Dlogback.configurationFile=" + logback,
                "-D" + FakeCosmos.TRUST_PROPERTY + "=true", "-cp", System.getProperty("java.class.path"),
                Main.class.getName()));
        command.addAll(List.of(args));
        Path out = Files.createTempFile(dir, "stdout", ".txt");
        Path err = Files.createTempFile(dir, "stderr", ".txt");
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile())
                .redirectInput(stdin == null ? ProcessBuilder.Redirect.PIPE : ProcessBuilder.Redirect.from(stdin.toFile()));
        pb.environment().keySet().removeIf(k -> k.startsWith("RAGD_") || k.startsWith("COSMOSDB_"));
        pb.environment().put("RAGD_LOG_LEVEL", "INFO");
        pb.environment().putAll(env);
        Process p = pb.start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("ragd " + String.join(" ", args) + " did not finish within 120 s");
        }
        return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    private static List<String> seed(Map<String, String> env) {
        List<ChatRecord> records = IntStream.range(0, 5).mapToObj(i -> record("out-" + i, T0.plusSeconds(i))).toList();
        try (ChatLog log = ChatLogs.open(RagdConfig.from(new Env(env)))) {
            records.forEach(log::upsert);
        }
        return records.reversed().stream().map(ChatRecord::id).toList();
    }

    /** Every line must be a whole chat record (strictly: one JSON object, nothing after it). */
    private static List<String> recordIds(String stdout) {
        return stdout.lines().map(line -> {
            try {
                return RecordImport.parse(line).id();
            } catch (IllegalArgumentException e) {
                throw new AssertionError("stdout line is not a chat record (" + e.getMessage() + "): " + line);
            }
        }).toList();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"file", "postgres", "cosmos"})
    void logsAndExportPrintOnlyRecordsOnStdoutAndLogToStderr(String backend) throws Exception {
        Map<String, String> env = stores.empty(backend);
        List<String> ids = seed(env);

        Run logs = ragd(env, "logs", "--format", "jsonl");
        Run export = ragd(env, "logs", "export", "--out", "-");

        assertThat(logs.exit()).as(logs.err()).isZero();
        assertThat(recordIds(logs.out())).containsExactlyElementsOf(ids);
        assertThat(export.exit()).as(export.err()).isZero();
        assertThat(recordIds(export.out())).containsExactlyElementsOf(ids);
        assertThat(export.err()).contains("exported 5 records to standard output");
        if (backend.equals("postgres")) {
            assertThat(logs.err()).contains("HikariPool");
            assertThat(export.err()).contains("HikariPool");
        }
    }

    @Test
    void exportToStdoutPipedIntoImportFromStdinMovesTheRecordsToPostgres() throws Exception {
        Map<String, String> from = stores.empty("file");
        List<String> ids = seed(from);
        Map<String, String> to = stores.empty("postgres");
        Path pipe = dir.resolve("pipe.jsonl");
        Files.writeString(pipe, ragd(from, "logs", "export", "--out", "-").out());

        Run imported = ragd(to, pipe, "logs", "import", "-");

        assertThat(imported.exit()).as(imported.err()).isZero();
        assertThat(imported.out()).startsWith("imported read=5 written=5 skipped=0 invalid=0 into postgres:");
        assertThat(imported.err()).contains("HikariPool");
        assertThat(recordIds(ragd(to, "logs", "--format", "jsonl").out())).containsExactlyElementsOf(ids);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"file", "postgres", "cosmos"})
    void configPrintsOnlyNameValueLinesOnStdout(String backend) throws Exception {
        Map<String, String> env = stores.empty(backend);

        Run config = ragd(env, "config");

        assertThat(config.exit()).as(config.err()).isZero();
        assertThat(config.out().lines()).isNotEmpty().allMatch(l -> l.matches("[A-Z][A-Z0-9_]*=.*"), "NAME=value");
        assertThat(config.out()).contains("RAGD_CHATLOG=" + backend + "\n");
    }

    @Test
    void onlyTheServicesLogToStdout() {
        assertThat(RagdCli.isService(new String[] {"serve", "--port", "0"})).isTrue();
        assertThat(RagdCli.isService(new String[] {"mock-llm"})).isTrue();
        for (String[] cli : List.of(new String[] {}, new String[] {"logs"}, new String[] {"logs", "import", "x"},
                new String[] {"config"}, new String[] {"ingest", "serve"}, new String[] {"--help"})) {
            assertThat(RagdCli.isService(cli)).as(String.join(" ", cli)).isFalse();
        }
    }
}
