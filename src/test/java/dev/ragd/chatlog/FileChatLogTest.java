package dev.ragd.chatlog;

import static dev.ragd.testsupport.ChatRecords.T0;
import static dev.ragd.testsupport.ChatRecords.record;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ragd.chatlog.ChatRecord.Status;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileChatLogTest extends ChatLogContract {

    @TempDir
    Path dir;

    @Override
    protected ChatLog openEmpty() {
        return new FileChatLog(dir.resolve("chatlog"));
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
        assertThatThrownBy(() -> chatLog.upsert(record("late", T0))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
    }

    @Test
    void recordsBeforeTheEpochAndFarInTheFutureAreOrderedByTime() {
        chatLog.upsert(record("past", Instant.parse("1901-03-04T05:06:07.000000001Z")));
        chatLog.upsert(record("epoch", Instant.EPOCH));
        chatLog.upsert(record("future", Instant.parse("9999-12-31T23:59:59.999999999Z")));

        assertThat(chatLog.recent(10)).extracting(ChatRecord::id).containsExactly("future", "epoch", "past");
        assertThat(chatLog.delete(Instant.EPOCH)).isEqualTo(1);
    }

    @Test
    void aPruneGivesTheFreedSpaceBackToTheFileSystem() throws Exception {
        Path db = dir.resolve("chatlog").resolve(FileChatLog.DB_FILE);
        for (int i = 0; i < 2_000; i++) {
            chatLog.upsert(record("big-" + i, T0.plusMillis(i), "q", "answer ".repeat(500)));
        }
        chatLog.close();
        long full = Files.size(db);
        chatLog = openEmpty();

        assertThat(chatLog.delete(T0.plusMillis(1_900))).isEqualTo(1_900);
        chatLog.close();

        assertThat(Files.size(db)).isLessThan(full / 4);
        chatLog = openEmpty();
        assertThat(chatLog.recent(1_000)).hasSize(100);
    }

    @Test
    void storeIsCreatedInWalModeWithIncrementalVacuum() throws Exception {
        try (Connection c = raw(); Statement s = c.createStatement()) {
            assertThat(pragma(s, "journal_mode")).isEqualTo("wal");
            assertThat(pragma(s, "auto_vacuum")).isEqualTo("2"); // INCREMENTAL
        }
    }

    @Test
    void aWriteWaitsForAnotherConnectionsTransactionInsteadOfFailing() throws Exception {
        CountDownLatch holding = new CountDownLatch(1);
        Thread other = Thread.ofPlatform().start(() -> {
            try (Connection c = raw(); Statement s = c.createStatement()) {
                s.execute("BEGIN IMMEDIATE"); // as another process writing would
                holding.countDown();
                Thread.sleep(1_000);
                s.execute("COMMIT");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(holding.await(30, TimeUnit.SECONDS)).isTrue();

        chatLog.upsert(record("waited", T0));

        other.join();
        assertThat(chatLog.recent(1)).extracting(ChatRecord::id).containsExactly("waited");
    }

    private Connection raw() throws SQLException {
        return DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("chatlog").resolve(FileChatLog.DB_FILE));
    }

    private static String pragma(Statement s, String name) throws SQLException {
        try (ResultSet rs = s.executeQuery("PRAGMA " + name)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }
}
