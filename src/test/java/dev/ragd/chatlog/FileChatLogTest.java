package dev.ragd.chatlog;

import static dev.ragd.chatlog.ChatRecords.T0;
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
    }
}
