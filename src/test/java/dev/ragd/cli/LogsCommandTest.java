package dev.ragd.cli;

import static dev.ragd.chatlog.ChatRecords.T0;
import static dev.ragd.chatlog.ChatRecords.record;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ragd.chatlog.ChatLogs;
import dev.ragd.chatlog.ChatRecord;
import dev.ragd.chatlog.ChatRecordJson;
import dev.ragd.chatlog.FileChatLog;
import dev.ragd.config.Env;
import dev.ragd.config.RagdConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogsCommandTest {

    @TempDir
    Path dataDir;

    @TempDir
    Path workDir;

    record Result(int exit, String out, String err) {
        List<String> lines() {
            return out.lines().toList();
        }
    }

    private Result ragd(Map<String, String> extraEnv, String... args) {
        Map<String, String> env = new HashMap<>(Map.of("RAGD_DATA_DIR", dataDir.toString()));
        env.putAll(extraEnv);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = RagdCli.run(new PrintWriter(out, true), new PrintWriter(err, true), args, env, workDir);
        return new Result(exit, out.toString(), err.toString());
    }

    private Result ragd(String... args) {
        return ragd(Map.of(), args);
    }

    private void seed(int count) {
        RagdConfig config = RagdConfig.from(new Env(Map.of("RAGD_DATA_DIR", dataDir.toString())));
        try (FileChatLog log = new FileChatLog(ChatLogs.fileDir(config))) {
            for (int i = 0; i < count; i++) {
                log.upsert(record("rec-" + String.format("%03d", i), T0.plusSeconds(i), "question " + i, "answer " + i));
            }
        }
    }

    @Test
    void tableShowsTheTwentyNewestRecordsByDefaultOneLineEach() {
        seed(25);

        Result r = ragd("logs");

        assertThat(r.exit()).isZero();
        assertThat(r.lines()).hasSize(1 + 20);
        assertThat(r.lines().getFirst()).contains("TIME", "STATUS", "ID", "USER", "QUESTION");
        assertThat(r.lines().get(1)).startsWith("2026-11-26 21:30:24Z").contains("completed", "rec-024",
                "ada@example.com", "question 24");
        assertThat(r.lines().getLast()).contains("rec-005");
    }

    @Test
    void worksWhileTheServersStoreIsOpenAndSeesItsNewWrites() {
        RagdConfig config = RagdConfig.from(new Env(Map.of("RAGD_DATA_DIR", dataDir.toString())));
        try (FileChatLog server = new FileChatLog(ChatLogs.fileDir(config))) {
            server.upsert(record("live-1", T0));
            assertThat(ragd("logs", "--format", "jsonl").lines()).hasSize(1);

            server.upsert(record("live-2", T0.plusSeconds(1)));

            assertThat(ragd("logs", "--format", "jsonl").lines()).extracting(l -> ChatRecordJson.fromJson(l).id())
                    .containsExactly("live-2", "live-1");
            server.upsert(record("live-3", T0.plusSeconds(2)));
            assertThat(server.recent(10)).hasSize(3);
        }
    }

    @Test
    void lastLimitsTheTable() {
        seed(5);

        Result r = ragd("logs", "--last", "2");

        assertThat(r.lines()).hasSize(3);
        assertThat(r.lines().get(1)).contains("rec-004");
        assertThat(r.lines().get(2)).contains("rec-003");
    }

    @Test
    void tableFlattensAndTruncatesLongMultiLineQuestions() {
        RagdConfig config = RagdConfig.from(new Env(Map.of("RAGD_DATA_DIR", dataDir.toString())));
        try (FileChatLog log = new FileChatLog(ChatLogs.fileDir(config))) {
            log.upsert(record("long", T0, "first line\nsecond\u001b[31m line " + "x".repeat(200), "a"));
        }

        Result r = ragd("logs");

        assertThat(r.lines()).hasSize(2);
        assertThat(r.lines().get(1)).contains("first line second [31m line xxx").endsWith("...")
                .doesNotContain("\u001b").hasSizeLessThan(200);
    }

    @Test
    void jsonlWithoutLastPrintsEveryRecordAsOneJsonObjectPerLine() {
        seed(620);

        Result r = ragd("logs", "--format", "jsonl");

        assertThat(r.exit()).isZero();
        List<ChatRecord> records = r.lines().stream().map(ChatRecordJson::fromJson).toList();
        assertThat(records).hasSize(620).extracting(ChatRecord::id).doesNotHaveDuplicates()
                .startsWith("rec-619", "rec-618").endsWith("rec-000");
        assertThat(records.getFirst()).isEqualTo(record("rec-619", T0.plusSeconds(619), "question 619", "answer 619"));
    }

    @Test
    void jsonlHonoursLast() {
        seed(5);

        Result r = ragd("logs", "--format", "jsonl", "--last", "3");

        assertThat(r.lines()).extracting(l -> ChatRecordJson.fromJson(l).id())
                .containsExactly("rec-004", "rec-003", "rec-002");
    }

    @Test
    void negativeLastIsAUsageErrorNamingTheOption() {
        Result r = ragd("logs", "--last", "-1");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("--last");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void nonNumericLastIsAUsageErrorNamingTheOption() {
        Result r = ragd("logs", "--last", "ten");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("--last");
    }

    @Test
    void unknownFormatIsAUsageErrorNamingTheOptionAndTheChoices() {
        Result r = ragd("logs", "--format", "xml");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("--format", "xml", "table", "jsonl");
    }

    @Test
    void emptyDataDirectorySaysThereIsNoLogYetAndCreatesNothing() {
        Result r = ragd("logs");

        assertThat(r.exit()).isZero();
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).contains("no chat log yet");
        assertThat(dataDir.resolve("chatlog")).doesNotExist();
    }

    @Test
    void disabledChatLogIsReportedNamingTheVariable() {
        Result r = ragd(Map.of("RAGD_CHATLOG", "none"), "logs");

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("RAGD_CHATLOG=none");
    }

    @Test
    void invalidConfigurationExitsTwoNamingTheVariable() {
        Result r = ragd(Map.of("RAGD_CHATLOG", "mongo"), "logs");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("RAGD_CHATLOG");
    }
}
