package dev.ragd.chatlog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ragd.config.Env;
import dev.ragd.config.RagdConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChatLogsTest {

    @TempDir
    Path dataDir;

    @Test
    void fileBackendIsAnH2StoreUnderTheDataDirectory() {
        RagdConfig config = RagdConfig.from(new Env(Map.of("RAGD_DATA_DIR", dataDir.toString())));

        try (ChatLog log = ChatLogs.open(config)) {
            assertThat(log).isInstanceOf(FileChatLog.class);
            assertThat(log.describe()).isEqualTo("file:" + dataDir.resolve("chatlog").toAbsolutePath());
        }
        assertThat(Files.exists(dataDir.resolve("chatlog").resolve("chatlog.db"))).isTrue();
    }

    @Test
    void noneBackendKeepsNothingAndCreatesNoFiles() throws Exception {
        RagdConfig config = RagdConfig.from(new Env(Map.of("RAGD_DATA_DIR", dataDir.toString(), "RAGD_CHATLOG", "none")));

        try (ChatLog log = ChatLogs.open(config)) {
            assertThat(log).isInstanceOf(NoChatLog.class);
        }
        try (var files = Files.list(dataDir)) {
            assertThat(files).isEmpty();
        }
    }
}
