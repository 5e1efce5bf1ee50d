package dev.ragd.chatlog;

import static dev.ragd.testsupport.ChatRecords.T0;
import static dev.ragd.testsupport.ChatRecords.record;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ragd.chatlog.ChatRecord.Status;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class H2ChatLogTest extends ChatLogContract {

    /** The table and indexes as ragd created them before the inline column (git: H2ChatLog at d236781). */
    private static final String[] OLD_DDL = {
        """
        CREATE TABLE IF NOT EXISTS chat_records (
          id VARCHAR(255) PRIMARY KEY,
          ts TIMESTAMP(9) WITH TIME ZONE NOT NULL,
          user_email VARCHAR,
          status VARCHAR(16) NOT NULL,
          record CLOB NOT NULL)""",
        "CREATE INDEX IF NOT EXISTS chat_records_ts ON chat_records(ts, id)",
        "CREATE INDEX IF NOT EXISTS chat_records_user_email ON chat_records(user_email)",
        "CREATE INDEX IF NOT EXISTS chat_records_user_ts ON chat_records(user_email, ts, id)",
    };
    private static final String OLD_MERGE =
            "MERGE INTO chat_records (id, ts, user_email, status, record) KEY(id) VALUES (?, ?, ?, ?, ?)";

    @TempDir
    Path dir;

    @Override
    protected ChatLog openEmpty() {
        return new H2ChatLog(dir.resolve("chatlog"));
    }

    @Test
    void recordWithoutAnIdOrTimestampIsRejectedNamingTheField() {
        ChatRecord noId = new ChatRecord(" ", "q", T0, "a", null, List.of(), Status.completed, "m", 0, 0, 0, 0, 0);
        ChatRecord noTime = new ChatRecord("x", "q", null, "a", null, List.of(), Status.completed, "m", 0, 0, 0, 0, 0);

        assertThatThrownBy(() -> chatLog.upsert(noId)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("id");
        assertThatThrownBy(() -> chatLog.upsert(noTime)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("timestamp");
        assertThat(chatLog.recent(10)).isEmpty();
    }

    @Test
    void useAfterCloseFailsClearly() {
        chatLog.close();

        assertThatThrownBy(() -> chatLog.recent(1)).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }

    @Test
    void recordLongerThanTheInlineColumnIsStoredWholeAndCanBeReplacedBySmallerOne() throws Exception {
        ChatRecord huge = record("huge", T0, "q", "é😀".repeat(H2ChatLog.INLINE_MAX_CHARS / 3) + "end");
        assertThat(ChatRecordJson.toJson(huge).length()).isGreaterThan(H2ChatLog.INLINE_MAX_CHARS);

        chatLog.upsert(huge);
        chatLog.upsert(record("small", T0.plusSeconds(1)));

        assertThat(chatLog.recent(10)).containsExactly(record("small", T0.plusSeconds(1)), huge);
        assertThat(chatLog.find(ChatLogQuery.all(10).withUser("ada@example.com").withStatus(Status.completed)))
                .extracting(ChatRecord::id).containsExactly("small", "huge");
        ChatRecord smaller = record("huge", T0.plusSeconds(2));
        chatLog.upsert(smaller);
        assertThat(chatLog.recent(10)).containsExactly(smaller, record("small", T0.plusSeconds(1)));
        chatLog.close();
        assertThat(storedIn(dir.resolve("chatlog"), "huge")).isEqualTo("record");
    }

    @Test
    void storeCreatedWithTheOldClobColumnIsMigratedOnOpenWithEveryRecordIntact() throws Exception {
        Path old = dir.resolve("old");
        List<ChatRecord> written = writeWithOldSchema(old);

        try (H2ChatLog log = new H2ChatLog(old)) {
            assertThat(log.recent(100)).containsExactlyElementsOf(newestFirst(written));
            log.upsert(record("after-upgrade", T0.plusSeconds(100)));
        }

        assertThat(columnType(old, "RECORD")).isEqualTo("CHARACTER VARYING");
        assertThat(storedIn(old, "old-huge")).isEqualTo("record_large");
        assertThat(storedIn(old, "old-0")).isEqualTo("record");
        assertThat(indexExists(old, "CHAT_RECORDS_USER_EMAIL")).isFalse();
        try (H2ChatLog again = new H2ChatLog(old)) {
            List<ChatRecord> all = new ArrayList<>(written);
            all.add(record("after-upgrade", T0.plusSeconds(100)));
            assertThat(again.recent(100)).containsExactlyElementsOf(newestFirst(all));
        }
    }

    @Test
    void migrationCutShortAfterCopyingTheLargeRecordsIsFinishedOnTheNextOpen() throws Exception {
        Path old = dir.resolve("half");
        List<ChatRecord> written = writeWithOldSchema(old);
        try (Connection c = oldConnection(old); Statement s = c.createStatement()) {
            // the first two steps of the migration, then "crash"
            s.execute("ALTER TABLE chat_records ADD COLUMN IF NOT EXISTS record_large CHARACTER LARGE OBJECT");
            s.executeUpdate("UPDATE chat_records SET record_large = record WHERE CHAR_LENGTH(record) > "
                    + H2ChatLog.INLINE_MAX_CHARS);
        }

        try (H2ChatLog log = new H2ChatLog(old)) {
            assertThat(log.recent(100)).containsExactlyElementsOf(newestFirst(written));
        }
        assertThat(columnType(old, "RECORD")).isEqualTo("CHARACTER VARYING");
    }

    /** Writes records the way ragd did before the inline column: old DDL, old MERGE, plain JDBC. */
    static List<ChatRecord> writeWithOldSchema(Path store) throws SQLException {
        List<ChatRecord> records = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            records.add(record("old-" + i, T0.plusSeconds(i), "question " + i, "answer " + i + " [1]"));
        }
        records.add(new ChatRecord("old-nulls", null, T0.plusSeconds(10), null, null, List.of(), Status.failed, null,
                0, 0, 0, 0, 0));
        records.add(record("old-unicode", T0.plusSeconds(11), "Ünïcödé 日本語 🚀 \u0000", "Ω≈ç√ 😀 ".repeat(100 * 1024 / 8)));
        records.add(record("old-huge", T0.plusSeconds(12), "q", "x".repeat(H2ChatLog.INLINE_MAX_CHARS + 10)));
        try (Connection c = oldConnection(store)) {
            try (Statement s = c.createStatement()) {
                for (String ddl : OLD_DDL) {
                    s.execute(ddl);
                }
            }
            try (PreparedStatement ps = c.prepareStatement(OLD_MERGE)) {
                for (ChatRecord r : records) {
                    ps.setString(1, r.id());
                    ps.setObject(2, OffsetDateTime.ofInstant(r.timestamp(), ZoneOffset.UTC));
                    ps.setString(3, r.userEmail());
                    ps.setString(4, r.status().name());
                    ps.setString(5, ChatRecordJson.toJson(r));
                    ps.executeUpdate();
                }
            }
        }
        return records;
    }

    static List<ChatRecord> newestFirst(List<ChatRecord> records) {
        return records.stream().sorted(Comparator.comparing(ChatRecord::timestamp).reversed()).toList();
    }

    private static Connection oldConnection(Path store) throws SQLException {
        return DriverManager.getConnection("jdbc:h2:file:" + store.toAbsolutePath().resolve("ragd")
                + ";AUTO_SERVER=TRUE;WRITE_DELAY=0", "ragd", "");
    }

    private static String columnType(Path store, String column) throws SQLException {
        return single(store, "SELECT DATA_TYPE FROM INFORMATION_SCHEMA.COLUMNS WHERE TABLE_NAME = 'CHAT_RECORDS'"
                + " AND COLUMN_NAME = '" + column + "'");
    }

    private static boolean indexExists(Path store, String index) throws SQLException {
        return single(store, "SELECT INDEX_NAME FROM INFORMATION_SCHEMA.INDEXES WHERE INDEX_NAME = '" + index + "'") != null;
    }

    /** Which column holds the JSON of record {@code id}; fails if both or neither do. */
    private static String storedIn(Path store, String id) throws SQLException {
        return single(store, "SELECT CASE WHEN record IS NOT NULL AND record_large IS NULL THEN 'record'"
                + " WHEN record IS NULL AND record_large IS NOT NULL THEN 'record_large' ELSE 'both or neither' END"
                + " FROM chat_records WHERE id = '" + id + "'");
    }

    private static String single(Path store, String sql) throws SQLException {
        try (Connection c = oldConnection(store); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }
}
