package dev.ragd.chatlog;

import static dev.ragd.testsupport.ChatRecords.T0;
import static dev.ragd.testsupport.ChatRecords.record;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ragd.config.ChatLogConfig;
import dev.ragd.cli.RagdCli;
import dev.ragd.config.Env;
import dev.ragd.config.RagdConfig;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The chat-log contract against a real PostgreSQL (embedded binaries, one server per class). */
class PostgresChatLogTest extends ChatLogContract {

    static EmbeddedPostgres pg;
    private static int databases;

    /** Password checks for the role {@code ragd_app}; trust for everyone else (the embedded default). */
    @BeforeAll
    static void startPostgres(@TempDir Path dir) throws Exception {
        Path hba = dir.resolve("pg_hba.conf");
        Files.writeString(hba, """
                host all ragd_app 127.0.0.1/32 scram-sha-256
                host all ragd_app ::1/128 scram-sha-256
                local all all trust
                host all all 127.0.0.1/32 trust
                host all all ::1/128 trust
                """);
        pg = EmbeddedPostgres.builder().setServerConfig("hba_file", hba.toString()).start();
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        pg.close();
    }

    /** A fresh database per test, so every test starts empty and Flyway migrates from scratch. */
    static String freshDatabase() throws Exception {
        return freshDatabase("postgres");
    }

    static String freshDatabase(String owner) throws Exception {
        String name = "chatlog_" + (++databases);
        try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name + " OWNER " + owner);
        }
        return "jdbc:postgresql://localhost:" + pg.getPort() + "/" + name;
    }

    static ChatLogConfig.Postgres config(String url, String password) {
        return new ChatLogConfig.Postgres(url, "postgres", password, 4);
    }

    private static String shared;

    /** One migrated database for the contract tests, emptied before each. */
    @Override
    protected ChatLog openEmpty() throws Exception {
        if (shared == null) {
            shared = freshDatabase();
        }
        PostgresChatLog log = new PostgresChatLog(config(shared, null));
        try (Connection c = java.sql.DriverManager.getConnection(shared, "postgres", "");
                Statement s = c.createStatement()) {
            s.execute("TRUNCATE chat_log");
        }
        return log;
    }

    @Override
    protected ChatRecord asStored(ChatRecord r) {
        return RecordChecks.withoutNul(r);
    }

    @Test
    void recordIsStoredAsJsonbWithSearchResultsAsRealJsonAndFilterColumnsFilled() throws Exception {
        chatLog.upsert(record("j1", T0));

        String url = chatLog.describe().substring("postgres:".length());
        try (Connection c = java.sql.DriverManager.getConnection(url, "postgres", "");
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("""
                    SELECT id, ts, user_email, status, model, jsonb_typeof(record),
                      record->'agents_search_results'->0->'hits'->0->>'doc_id', pg_typeof(record)::text
                    FROM chat_log""")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("j1");
            assertThat(rs.getObject(2, java.time.OffsetDateTime.class).toInstant()).isEqualTo(T0);
            assertThat(rs.getString(3)).isEqualTo("ada@example.com");
            assertThat(rs.getString(4)).isEqualTo("completed");
            assertThat(rs.getString(5)).isEqualTo("extractive");
            assertThat(rs.getString(6)).isEqualTo("object");
            assertThat(rs.getString(7)).isEqualTo("docs/rrf.md");
            assertThat(rs.getString(8)).isEqualTo("jsonb");
            assertThat(rs.next()).isFalse();
        }
    }

    @Test
    void nulCharactersAreStoredAsReplacementCharacters() {
        ChatRecord r = record("nul", T0, "a\u0000b", "c\u0000");

        chatLog.upsert(r);

        ChatRecord back = chatLog.recent(1).getFirst();
        assertThat(back.userQuestion()).isEqualTo("a\uFFFDb");
        assertThat(back.finalAnswer()).isEqualTo("c\uFFFD");
    }

    @Test
    void aPoolOfOneConnectionMigratesAndWrites() throws Exception {
        try (PostgresChatLog one = new PostgresChatLog(new ChatLogConfig.Postgres(freshDatabase(), "postgres", null, 1))) {
            one.upsert(record("solo", T0));

            assertThat(one.recent(5)).extracting(ChatRecord::id).containsExactly("solo");
        }
    }

    @Test
    void openingAnExistingStoreAgainKeepsItsRecords() throws Exception {
        String url = freshDatabase();
        try (PostgresChatLog first = new PostgresChatLog(config(url, null))) {
            first.upsert(record("keep", T0));
        }

        try (PostgresChatLog again = new PostgresChatLog(config(url, null))) {
            assertThat(again.recent(10)).extracting(ChatRecord::id).containsExactly("keep");
        }
    }

    @Test
    void unreachableDatabaseFailsFastNamingTheVariable() {
        String url = "jdbc:postgresql://127.0.0.1:1/nothing";

        assertThatThrownBy(() -> new PostgresChatLog(config(url, "pw"))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("RAGD_PG_URL=" + url);
    }

    @Test
    void useAfterCloseFailsClearly() {
        chatLog.close();

        assertThatThrownBy(() -> chatLog.recent(1)).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }

    @Test
    void wrongPasswordFailsWithoutTheStartupOrTheFailureLoggingThePassword() throws Exception {
        try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE ROLE ragd_app LOGIN PASSWORD 'right-Secret-123'");
        }
        String url = freshDatabase("ragd_app");
        String secret = "wrong-Secret-987";

        String logged = GlobalLogCapture.capture(() -> {
            try (PostgresChatLog ok = new PostgresChatLog(new ChatLogConfig.Postgres(url, "ragd_app", "right-Secret-123", 2))) {
                ok.upsert(record("x", T0));
            }
            try (PostgresChatLog inUrl = new PostgresChatLog(new ChatLogConfig.Postgres(
                    url + "?password=right-Secret-123&ApplicationName=t", "ragd_app", null, 1))) {
                assertThat(inUrl.recent(1)).hasSize(1);
                assertThat(inUrl.describe()).doesNotContain("right-Secret-123");
            }
            assertThatThrownBy(() -> new PostgresChatLog(new ChatLogConfig.Postgres(url, "ragd_app", secret, 2)))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("RAGD_PG_URL")
                    .hasMessageContaining("password authentication failed")
                    .satisfies(e -> assertThat(GlobalLogCapture.chain(e)).doesNotContain(secret));
        });

        assertThat(logged).contains("postgres chat log opened").doesNotContain(secret).doesNotContain("right-Secret-123");
    }

    @Test
    void ragdOpensPostgresFromTheEnvironmentAndTheLogsCommandReadsAndPrunesIt(@TempDir Path workDir) throws Exception {
        String url = freshDatabase();
        Map<String, String> env = Map.of("RAGD_CHATLOG", "postgres", "RAGD_PG_URL", url, "RAGD_PG_USER", "postgres",
                "RAGD_PG_POOL_SIZE", "2", "RAGD_DATA_DIR", workDir.resolve("data").toString());
        try (ChatLog log = ChatLogs.open(RagdConfig.from(new Env(env)))) {
            assertThat(log).isInstanceOf(PostgresChatLog.class);
            log.upsert(record("old", Instant.now().minus(Duration.ofDays(40))));
            log.upsert(record("new", Instant.now()));
        }
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();

        int listed = RagdCli.run(new PrintWriter(out, true), new PrintWriter(err, true),
                new String[] {"logs", "--format", "jsonl", "--user", "ada@example.com"}, env, workDir);
        int pruned = RagdCli.run(new PrintWriter(out, true), new PrintWriter(err, true),
                new String[] {"logs", "prune", "--older-than", "30d"}, env, workDir);

        assertThat(listed).isZero();
        assertThat(pruned).isZero();
        assertThat(out.toString().lines().limit(2).map(l -> ChatRecordJson.fromJson(l).id())).containsExactly("new", "old");
        assertThat(out.toString()).contains("deleted 1 records older than");
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void unreachableDatabaseAtStartupFailsNamingRagdPgUrl(@TempDir Path workDir) {
        Map<String, String> env = Map.of("RAGD_CHATLOG", "postgres", "RAGD_PG_URL", "jdbc:postgresql://127.0.0.1:1/x",
                "RAGD_PG_PASSWORD", "never-shown-42");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();

        int exit = RagdCli.run(new PrintWriter(out, true), new PrintWriter(err, true), new String[] {"logs"}, env, workDir);

        assertThat(exit).isEqualTo(1);
        assertThat(err.toString()).contains("RAGD_PG_URL=jdbc:postgresql://127.0.0.1:1/x").doesNotContain("never-shown-42");
    }
}
