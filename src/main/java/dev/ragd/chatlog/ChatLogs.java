package dev.ragd.chatlog;

import dev.ragd.config.ConfigException;
import dev.ragd.config.RagdConfig;
import java.nio.file.Path;

/** Opens the chat log the configuration asks for ({@code RAGD_CHATLOG}). */
public final class ChatLogs {

    private ChatLogs() {}

    /**
     * {@code file}: an embedded H2 store in {@code <RAGD_DATA_DIR>/chatlog}, created if missing;
     * {@code none}: a log that drops everything. The caller closes the result.
     */
    public static ChatLog open(RagdConfig config) {
        return switch (config.chatLog()) {
            case "file" -> new FileChatLog(fileDir(config));
            case "none" -> new NoChatLog();
            default -> throw new ConfigException("RAGD_CHATLOG='" + config.chatLog() + "' must be one of [file, none]");
        };
    }

    /** Where the {@code file} backend keeps its database. */
    public static Path fileDir(RagdConfig config) {
        return config.dataDir().resolve("chatlog");
    }

    static void checkLimit(int limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("limit must be >= 0, got " + limit);
        }
    }
}
