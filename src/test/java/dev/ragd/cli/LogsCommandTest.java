package dev.ragd.cli;

import static dev.ragd.testsupport.ChatRecords.T0;
import static dev.ragd.testsupport.ChatRecords.record;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ragd.chatlog.ChatLogs;
import dev.ragd.chatlog.ChatRecord;
import dev.ragd.chatlog.ChatRecordJson;
import dev.ragd.chatlog.Feedback;
import dev.ragd.chatlog.FileChatLog;
import dev.ragd.config.Env;
import dev.ragd.config.RagdConfig;
import dev.ragd.chatlog.ChatRecord.Status;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
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

    private void seedMixed() {
        RagdConfig config = RagdConfig.from(new Env(Map.of("RAGD_DATA_DIR", dataDir.toString())));
        Instant now = Instant.now();
        try (FileChatLog log = new FileChatLog(ChatLogs.fileDir(config))) {
            log.upsert(as(record("old-ada", now.minus(Duration.ofDays(40))), "ada@example.com", Status.completed));
            log.upsert(as(record("mid-bob", now.minus(Duration.ofDays(3))), "bob@example.com", Status.failed));
            log.upsert(as(record("new-ada", now.minus(Duration.ofHours(2))), "ada@example.com", Status.failed));
        }
    }

    private static ChatRecord as(ChatRecord r, String email, Status status) {
        return new ChatRecord(r.id(), r.requestId(), r.userQuestion(), r.timestamp(), r.finalAnswer(), email,
                r.agentsSearchResults(), status, r.model(), 0, 0, 0, 0, 0);
    }

    private List<String> ids(Result r) {
        return r.lines().stream().map(l -> ChatRecordJson.fromJson(l).id()).toList();
    }

    @Test
    void userStatusAndSinceFiltersCombine() {
        seedMixed();

        assertThat(ids(ragd("logs", "--format", "jsonl", "--user", "ada@example.com"))).containsExactly("new-ada", "old-ada");
        assertThat(ids(ragd("logs", "--format", "jsonl", "--status", "failed"))).containsExactly("new-ada", "mid-bob");
        assertThat(ids(ragd("logs", "--format", "jsonl", "--since", "7d"))).containsExactly("new-ada", "mid-bob");
        assertThat(ids(ragd("logs", "--format", "jsonl", "--since", "24h", "--status", "failed", "--user",
                "ada@example.com"))).containsExactly("new-ada");
        assertThat(ids(ragd("logs", "--format", "jsonl", "--since", "2000-01-01"))).hasSize(3);
        assertThat(ids(ragd("logs", "--format", "jsonl", "--since", Instant.now().plusSeconds(60).toString()))).isEmpty();
    }

    @Test
    void feedbackFilterListsOnlyAnswersWhoseLatestRatingMatchesAndTheTableShowsIt() {
        seedMixed();
        try (FileChatLog log = new FileChatLog(ChatLogs.fileDir(RagdConfig.from(new Env(Map.of("RAGD_DATA_DIR",
                dataDir.toString())))))) {
            log.rate("mid-bob", null, new Feedback(Feedback.Rating.down, "wrong", List.of(), Instant.now()));
            log.rate("old-ada", null, new Feedback(Feedback.Rating.down, null, List.of(), Instant.now()));
            log.rate("old-ada", null, new Feedback(Feedback.Rating.up, null, List.of(), Instant.now()));
        }

        assertThat(ids(ragd("logs", "--format", "jsonl", "--feedback", "down"))).containsExactly("mid-bob");
        assertThat(ids(ragd("logs", "--format", "jsonl", "--feedback", "up", "--user", "ada@example.com")))
                .containsExactly("old-ada");
        Result table = ragd("logs");
        assertThat(table.lines().getFirst()).contains("STATUS     FEEDBACK  ID");
        assertThat(table.lines()).anySatisfy(l -> assertThat(l).contains("failed     down      mid-bob"));
        assertThat(table.lines()).anySatisfy(l -> assertThat(l).contains("failed     -         new-ada"));
        Result bad = ragd("logs", "--feedback", "meh");
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err()).contains("--feedback", "meh", "up", "down");
    }

    @Test
    void conversationFilterListsOnlyThatConversationsTurnsNewestFirst() {
        seedMixed();
        Instant now = Instant.now();
        try (FileChatLog log = new FileChatLog(ChatLogs.fileDir(RagdConfig.from(new Env(Map.of("RAGD_DATA_DIR",
                dataDir.toString())))))) {
            log.upsert(record("c-1", now.minusSeconds(20)).withConversation("c-1"));
            log.upsert(record("c-2", now.minusSeconds(10)).withConversation("c-1"));
            log.upsert(record("d-1", now.minusSeconds(5)).withConversation("d-1"));
        }

        assertThat(ids(ragd("logs", "--format", "jsonl", "--conversation", "c-1"))).containsExactly("c-2", "c-1");
        assertThat(ids(ragd("logs", "--format", "jsonl", "--conversation", "nope"))).isEmpty();
        Result bad = ragd("logs", "--conversation", " ");
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err()).contains("--conversation", "conversation id");
    }

    @Test
    void sinceAcceptsAnInstantADateOrAnAge() {
        Instant now = Instant.parse("2026-11-26T12:00:00Z");

        assertThat(LogsCommand.parseSince("2026-11-01T10:00:00Z", now)).isEqualTo(Instant.parse("2026-11-01T10:00:00Z"));
        assertThat(LogsCommand.parseSince("2026-11-01", now)).isEqualTo(Instant.parse("2026-11-01T00:00:00Z"));
        assertThat(LogsCommand.parseSince("24h", now)).isEqualTo(Instant.parse("2026-11-25T12:00:00Z"));
        assertThat(LogsCommand.parseSince("7d", now)).isEqualTo(Instant.parse("2026-11-19T12:00:00Z"));
    }

    @Test
    void exportWritesEveryMatchAsJsonLinesAndPrintsTheCount() throws Exception {
        seed(620);
        Path file = workDir.resolve("out/all.jsonl");

        Result r = ragd("logs", "export", "--out", file.toString());

        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("exported 620 records to " + file.toAbsolutePath());
        List<ChatRecord> records = Files.readAllLines(file).stream().map(ChatRecordJson::fromJson).toList();
        assertThat(records).hasSize(620).extracting(ChatRecord::id).doesNotHaveDuplicates().startsWith("rec-619");
    }

    @Test
    void exportHonoursFilters() throws Exception {
        seedMixed();
        Path file = workDir.resolve("ada.jsonl");

        Result r = ragd("logs", "export", "--out", file.toString(), "--user", "ada@example.com", "--status", "completed");

        assertThat(r.out()).contains("exported 1 records");
        assertThat(Files.readAllLines(file)).hasSize(1).first().asString().contains("\"id\":\"old-ada\"");
    }

    @Test
    void pruneDeletesOnlyRecordsOlderThanTheAgeAndPrintsTheCount() {
        seedMixed();

        Result r = ragd("logs", "prune", "--older-than", "30d");

        assertThat(r.exit()).isZero();
        assertThat(r.out()).startsWith("deleted 1 records older than ");
        assertThat(ids(ragd("logs", "--format", "jsonl"))).containsExactly("new-ada", "mid-bob");
    }

    @Test
    void badSinceIsAUsageErrorNamingTheOptionAndTheAcceptedForms() {
        Result r = ragd("logs", "--since", "yesterday");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("--since", "yesterday", "ISO-8601", "24h");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void badStatusIsAUsageErrorListingTheStatuses() {
        Result r = ragd("logs", "--status", "done");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("--status", "done", "completed", "cancelled", "failed");
    }

    @Test
    void badOlderThanIsAUsageErrorNamingTheOption() {
        seedMixed();

        Result r = ragd("logs", "prune", "--older-than", "30 days");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("--older-than", "30d");
        assertThat(ids(ragd("logs", "--format", "jsonl"))).hasSize(3);
    }

    @Test
    void pruneWithoutOlderThanIsAUsageError() {
        Result r = ragd("logs", "prune");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("--older-than");
    }

    @Test
    void exportWithoutOutIsAUsageErrorNamingTheOption() {
        Result r = ragd("logs", "export");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("--out");
    }

    @Test
    void helpListsTheFiltersAndTheExportAndPruneSubcommands() {
        Result r = ragd("logs", "--help");

        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("--user", "--since", "--status", "export", "prune");
    }
}
