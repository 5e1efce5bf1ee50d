package dev.ragd.chatlog;

import static dev.ragd.chatlog.ChatRecords.T0;
import static dev.ragd.chatlog.ChatRecords.record;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ragd.chatlog.ChatRecord.Status;
import java.nio.file.Path;
import java.util.List;
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
        chatLog.upsert(record("past", java.time.Instant.parse("1901-03-04T05:06:07.000000001Z")));
        chatLog.upsert(record("epoch", java.time.Instant.EPOCH));
        chatLog.upsert(record("future", java.time.Instant.parse("9999-12-31T23:59:59.999999999Z")));

        assertThat(chatLog.recent(10)).extracting(ChatRecord::id).containsExactly("future", "epoch", "past");
        assertThat(chatLog.delete(java.time.Instant.EPOCH)).isEqualTo(1);
    }

    @Test
    void aPruneGivesTheFreedSpaceBackToTheFileSystem() throws Exception {
        Path db = dir.resolve("chatlog").resolve(FileChatLog.DB_FILE);
        for (int i = 0; i < 2_000; i++) {
            chatLog.upsert(record("big-" + i, T0.plusMillis(i), "q", "answer ".repeat(500)));
        }
        chatLog.close();
        long full = java.nio.file.Files.size(db);
        chatLog = openEmpty();

        assertThat(chatLog.delete(T0.plusMillis(1_900))).isEqualTo(1_900);
        chatLog.close();

        assertThat(java.nio.file.Files.size(db)).isLessThan(full / 4);
        chatLog = openEmpty();
        assertThat(chatLog.recent(1_000)).hasSize(100);
    }
}
