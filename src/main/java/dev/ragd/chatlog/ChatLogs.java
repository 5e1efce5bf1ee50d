package dev.ragd.chatlog;

import dev.ragd.config.ChatLogConfig;
import dev.ragd.config.RagdConfig;
import java.nio.file.Path;

/** Opens the chat log the configuration asks for ({@code RAGD_CHATLOG}). */
public final class ChatLogs {

    private ChatLogs() {}

    /**
     * {@code file}: an embedded SQLite store ({@link FileChatLog}) in {@code <RAGD_DATA_DIR>/chatlog}, created if missing;
     * {@code postgres}: {@link PostgresChatLog} ({@code RAGD_PG_*}; fails fast when unreachable);
     * {@code cosmos}: {@link CosmosChatLog} ({@code COSMOSDB_URI}, {@code RAGD_COSMOS_*});
     * {@code none}: a log that drops everything. With {@code RAGD_HASH_EMAIL=true} the store is
     * wrapped in {@link HashedEmailChatLog}. The caller closes the result.
     */
    public static ChatLog open(RagdConfig config) {
        ChatLogConfig c = config.chatLog();
        ChatLog log = switch (c.backend()) {
            case "file" -> new FileChatLog(fileDir(config));
            case "postgres" -> new PostgresChatLog(c.postgres());
            case "cosmos" -> new CosmosChatLog(c.cosmos());
            case "none" -> new NoChatLog();
            default -> throw new IllegalStateException("unknown RAGD_CHATLOG backend " + c.backend());
        };
        return c.hashEmail() ? new HashedEmailChatLog(log) : log;
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
