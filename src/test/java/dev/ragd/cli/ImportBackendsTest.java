package dev.ragd.cli;

import static dev.ragd.testsupport.ChatRecords.T0;
import static dev.ragd.testsupport.ChatRecords.record;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ragd.chatlog.ChatRecordJson;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Moving records between stores: {@code ragd logs export} from the embedded store, then
 * {@code ragd logs import} into an empty store of each backend (embedded, PostgreSQL, Cosmos DB
 * through its SDK and the fake gateway), in process.
 */
class ImportBackendsTest {

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

    record Result(int exit, String out, String err) {}

    private static Result ragd(Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = RagdCli.run(new PrintWriter(out, true), new PrintWriter(err, true), args, env, dir);
        return new Result(exit, out.toString(), err.toString());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"file", "postgres", "cosmos"})
    void exportedRecordsImportIntoAnEmptyStoreUnchangedAndASecondImportSkipsThemAll(String backend) throws Exception {
        Map<String, String> from = stores.empty("file");
        ImportCommandTest.seed(Path.of(from.get("RAGD_DATA_DIR")), ImportCommandTest.variedRecords());
        Path file = dir.resolve(backend + ".jsonl");
        assertThat(ragd(from, "logs", "export", "--out", file.toString()).exit()).isZero();
        String exported = Files.readString(file);
        Map<String, String> to = stores.empty(backend);

        Result first = ragd(to, "logs", "import", file.toString());
        Result second = ragd(to, "logs", "import", file.toString());

        assertThat(first.err()).isEmpty();
        assertThat(first.exit()).isZero();
        assertThat(first.out()).startsWith("imported read=32 written=32 skipped=0 invalid=0 into " + backend);
        assertThat(second.exit()).isZero();
        assertThat(second.out()).startsWith("imported read=32 written=0 skipped=32 invalid=0");
        // The same records, each exactly; the order may differ where a store orders timestamps more
        // coarsely (PostgreSQL: microseconds, and one record is a nanosecond after another).
        assertThat(ragd(to, "logs", "--format", "jsonl").out().lines().sorted())
                .containsExactlyElementsOf(exported.lines().sorted().toList());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"file", "postgres", "cosmos"})
    void aBadLineIsReportedByNumberWhileTheOthersAreImported(String backend) throws Exception {
        Path file = dir.resolve(backend + "-bad.jsonl");
        Files.writeString(file, ChatRecordJson.toJson(record("ok-1", T0)) + "\n{\"id\": 7}\n\n"
                + ChatRecordJson.toJson(record("ok-2", T0.plusSeconds(1))) + "\n");
        Map<String, String> to = stores.empty(backend);

        Result r = ragd(to, "logs", "import", file.toString());

        assertThat(r.exit()).isEqualTo(ImportCommand.EXIT_INVALID_LINES);
        assertThat(r.err()).isEqualTo("ragd logs import: " + file + " line 2: id must be a non-blank string, got 7\n");
        assertThat(r.out()).startsWith("imported read=3 written=2 skipped=0 invalid=1");
        assertThat(ragd(to, "logs", "--format", "jsonl").out().lines().map(l -> ChatRecordJson.fromJson(l).id()))
                .containsExactly("ok-2", "ok-1");
    }
}
