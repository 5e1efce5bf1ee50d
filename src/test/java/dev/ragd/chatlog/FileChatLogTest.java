package dev.ragd.chatlog;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class FileChatLogTest extends ChatLogContract {

    @TempDir
    Path dir;

    @Override
    protected ChatLog openEmpty() {
        return new FileChatLog(dir.resolve("chatlog"));
    }
}
