package dev.ragd.cli;

import static dev.ragd.testsupport.ChatRecords.T0;
import static dev.ragd.testsupport.ChatRecords.record;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ragd.chatlog.ChatLog;
import dev.ragd.chatlog.ChatLogs;
import dev.ragd.chatlog.ChatRecord;
import dev.ragd.chatlog.ChatRecord.Status;
import dev.ragd.chatlog.ChatRecordJson;
import dev.ragd.chatlog.SearchResult;
import dev.ragd.config.Env;
import dev.ragd.config.RagdConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ragd logs import} into the embedded store, in process (other backends: {@link ImportBackendsTest}). */
class ImportCommandTest {

    @TempDir
    Path source;

    @TempDir
    Path target;

    @TempDir
    Path workDir;

    record Result(int exit, String out, String err) {}

    private Result ragd(Path dataDir, Map<String, String> extraEnv, String... args) {
        Map<String, String> env = new HashMap<>(Map.of("RAGD_DATA_DIR", dataDir.toString()));
        env.putAll(extraEnv);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = RagdCli.run(new PrintWriter(out, true), new PrintWriter(err, true), args, env, workDir);
        return new Result(exit, out.toString(), err.toString());
    }

    private Result ragd(Path dataDir, String... args) {
        return ragd(dataDir, Map.of(), args);
    }

    /** Records that exercise the JSON form: nulls, equal timestamps, nanoseconds, escapes, no request id. */
    static List<ChatRecord> variedRecords() {
        List<ChatRecord> records = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            records.add(record("rec-" + String.format("%03d", i), T0.plusSeconds(i / 3), "question " + i, "answer " + i));
        }
        records.add(new ChatRecord("nulls", null, "q", T0.plusNanos(123_456_789), null, null, List.of(), Status.failed,
                null, 0, 0, 0, 0, 0));
        records.add(new ChatRecord("odd", "req-odd", "line\nbreak \"quoted\" \u00e9\u4e2d\ud83d\ude00", T0.plusNanos(1),
                "tab\there", "Bob@Example.com", List.of(new SearchResult("a", List.of()),
                        new SearchResult("b", List.of(new SearchResult.Hit("d", "d#1", null, 1e-9)))),
                Status.cancelled, "gpt", 1, 2, 3, 4, 5));
        return records;
    }

    static void seed(Path dataDir, List<ChatRecord> records) {
        try (ChatLog log = ChatLogs.open(RagdConfig.from(new Env(Map.of("RAGD_DATA_DIR", dataDir.toString()))))) {
            records.forEach(log::upsert);
        }
    }

    private Path exportFrom(Path dataDir) {
        Path file = workDir.resolve("export.jsonl");
        assertThat(ragd(dataDir, "logs", "export", "--out", file.toString()).exit()).isZero();
        return file;
    }

    @Test
    void exportThenImportIntoAnEmptyStoreGivesTheSameRecords() throws Exception {
        seed(source, variedRecords());
        Path file = exportFrom(source);

        Result r = ragd(target, "logs", "import", file.toString());

        assertThat(r.err()).isEmpty();
        assertThat(r.exit()).isZero();
        assertThat(r.out()).startsWith("imported read=32 written=32 skipped=0 invalid=0 into ");
        assertThat(ragd(target, "logs", "--format", "jsonl").out()).isEqualTo(ragd(source, "logs", "--format", "jsonl").out());
    }

    @Test
    void aSecondImportWritesNothingNewAndSkipsEveryRecord() throws Exception {
        seed(source, variedRecords());
        Path file = exportFrom(source);
        assertThat(ragd(target, "logs", "import", file.toString()).exit()).isZero();
        String before = ragd(target, "logs", "--format", "jsonl").out();

        Result again = ragd(target, "logs", "import", file.toString());

        assertThat(again.exit()).isZero();
        assertThat(again.out()).startsWith("imported read=32 written=0 skipped=32 invalid=0");
        assertThat(ragd(target, "logs", "--format", "jsonl").out()).isEqualTo(before);
    }

    @Test
    void aRecordWhoseContentChangedIsWrittenAgainAndTheRestSkipped() throws Exception {
        // Plain records only: with the H2 store, a stored record holding U+1F600 made the next
        // session's first update vanish on reopen (a store bug, reported; not what this test is about).
        seed(target, variedRecords().subList(0, 30));
        Path file = workDir.resolve("changed.jsonl");
        Files.writeString(file, ChatRecordJson.toJson(record("rec-005", T0.plusSeconds(1), "question 5", "a better answer")) + "\n"
                + ChatRecordJson.toJson(variedRecords().get(6)) + "\n");

        Result r = ragd(target, "logs", "import", file.toString());

        assertThat(r.out()).startsWith("imported read=2 written=1 skipped=1 invalid=0");
        assertThat(ragd(target, "logs", "--format", "jsonl").out().lines().map(ChatRecordJson::fromJson)
                .filter(c -> c.id().equals("rec-005")).map(ChatRecord::finalAnswer)).containsExactly("a better answer");
    }

    @Test
    void withHashedEmailsASecondImportStillSkipsEveryRecord() throws Exception {
        seed(source, variedRecords());
        Path file = exportFrom(source);
        Map<String, String> hashed = Map.of("RAGD_HASH_EMAIL", "true");
        assertThat(ragd(target, hashed, "logs", "import", file.toString()).out()).contains("written=32");

        Result again = ragd(target, hashed, "logs", "import", file.toString());

        assertThat(again.out()).startsWith("imported read=32 written=0 skipped=32 invalid=0");
        assertThat(ragd(target, "logs", "--format", "jsonl").out()).doesNotContain("ada@example.com").contains("sha256:");
    }

    @Test
    void aLaterLineForTheSameIdWins() throws Exception {
        Path file = workDir.resolve("twice.jsonl");
        Files.writeString(file, ChatRecordJson.toJson(record("same", T0, "q", "first")) + "\n"
                + ChatRecordJson.toJson(record("same", T0, "q", "second")) + "\n");

        Result r = ragd(target, "logs", "import", file.toString());

        assertThat(r.out()).startsWith("imported read=2 written=2 skipped=0 invalid=0");
        List<String> stored = ragd(target, "logs", "--format", "jsonl").out().lines().toList();
        assertThat(stored).hasSize(1);
        assertThat(ChatRecordJson.fromJson(stored.getFirst()).finalAnswer()).isEqualTo("second");
    }

    @Test
    void badLinesAreReportedByNumberAndSkippedAndTheExitCodeSaysSo() throws Exception {
        String good1 = ChatRecordJson.toJson(record("good-1", T0));
        String good2 = ChatRecordJson.toJson(record("good-2", T0.plusSeconds(1)));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (String line : List.of(
                good1,                                                           // 1
                "this is not json",                                              // 2
                "",                                                              // 3 blank: ignored
                "[1, 2]",                                                        // 4
                "{\"user_question\": \"no id\"}",                                // 5
                good2.replace("\"completed\"", "\"bogus\""),                     // 6
                good2 + " {\"trailing\": 1}",                                    // 7
                good1.replace("\"id\":\"good-1\"", "\"id\":\"   \""),           // 8
                good1.replace("\"timestamp\":\"2026-11-26T21:30:00.123Z\"", "\"timestamp\":null"), // 9
                good1.replace("{", "{\"id\":\"dup\",")                           // 10: id twice
        )) {
            bytes.writeBytes((line + "\n").getBytes(StandardCharsets.UTF_8));
        }
        bytes.writeBytes(new byte[] {'{', '"', 'i', 'd', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}', '\n'}); // 11
        bytes.writeBytes((good2 + "\r\n").getBytes(StandardCharsets.UTF_8));      // 12, CRLF
        Path file = workDir.resolve("bad.jsonl");
        Files.write(file, bytes.toByteArray());

        Result r = ragd(target, "logs", "import", "bad.jsonl");

        assertThat(r.exit()).isEqualTo(ImportCommand.EXIT_INVALID_LINES);
        assertThat(r.out()).startsWith("imported read=11 written=2 skipped=0 invalid=9");
        String where = "ragd logs import: " + file.toAbsolutePath() + " line ";
        assertThat(r.err().lines().toList()).hasSize(9).allSatisfy(l -> assertThat(l).startsWith(where));
        assertThat(r.err()).contains(where + "2: not JSON: Unrecognized token 'this'")
                .contains(where + "4: not a JSON object but an array")
                .contains(where + "5: no id")
                .contains(where + "6: not a valid chat record").contains("bogus")
                .contains(where + "7: not JSON: Trailing token")
                .contains(where + "8: id must be a non-blank string")
                .contains(where + "9: record good-1: no timestamp")
                .contains(where + "10: not JSON: Duplicate field 'id'")
                .contains(where + "11: not valid UTF-8")
                .doesNotContain(where + "3:").doesNotContain(where + "12:");
        assertThat(ragd(target, "logs", "--format", "jsonl").out().lines().map(l -> ChatRecordJson.fromJson(l).id()))
                .containsExactly("good-2", "good-1");
    }

    @Test
    void aMissingFileIsItsOwnErrorNamingTheFile() {
        Result r = ragd(target, "logs", "import", "nowhere.jsonl");

        assertThat(r.exit()).isEqualTo(ImportCommand.EXIT_UNREADABLE);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).isEqualTo("ragd logs import: cannot read " + workDir.resolve("nowhere.jsonl") + ": no such file\n");
        assertThat(target.resolve("chatlog")).doesNotExist();
    }

    @Test
    void importIntoADisabledChatLogIsRefusedNamingTheVariable() throws Exception {
        Path file = workDir.resolve("one.jsonl");
        Files.writeString(file, ChatRecordJson.toJson(record("one", T0)) + "\n");

        Result r = ragd(target, Map.of("RAGD_CHATLOG", "none"), "logs", "import", file.toString());

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("RAGD_CHATLOG=none");
    }

    @Test
    void aDirectoryIsRefusedNamingIt() {
        Result r = ragd(target, "logs", "import", workDir.toString());

        assertThat(r.exit()).isEqualTo(ImportCommand.EXIT_UNREADABLE);
        assertThat(r.err()).contains("cannot read " + workDir + ": is a directory");
    }

    @Test
    void importWithoutAFileIsAUsageError() {
        Result r = ragd(target, "logs", "import");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("Missing required parameter: 'FILE'");
    }

    @Test
    void exportToStandardOutputPrintsOnlyTheRecords() {
        seed(source, variedRecords());

        Result r = ragd(source, "logs", "export", "--out", "-");

        assertThat(r.exit()).isZero();
        assertThat(r.out().lines().map(l -> ChatRecordJson.fromJson(l).id()).toList()).hasSize(32);
        assertThat(r.err()).isEqualTo("exported 32 records to standard output\n");
        assertThat(workDir.resolve("-")).doesNotExist();
    }
}
