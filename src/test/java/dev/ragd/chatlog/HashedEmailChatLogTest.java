package dev.ragd.chatlog;

import static dev.ragd.testsupport.ChatRecords.T0;
import static dev.ragd.testsupport.ChatRecords.record;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ragd.config.Env;
import dev.ragd.config.RagdConfig;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HashedEmailChatLogTest {

    @TempDir
    Path dataDir;

    @Test
    void hashIsSha256HexOfTheTrimmedLowerCasedEmail() throws Exception {
        String expected = "sha256:" + java.util.HexFormat.of().formatHex(java.security.MessageDigest
                .getInstance("SHA-256").digest("ada@example.com".getBytes(java.nio.charset.StandardCharsets.UTF_8)));

        assertThat(HashedEmailChatLog.hash(" Ada@Example.COM ")).isEqualTo(expected).hasSize(7 + 64);
        assertThat(HashedEmailChatLog.hash(expected)).isEqualTo(expected);
        assertThat(HashedEmailChatLog.hash(null)).isNull();
    }

    @Test
    void withHashEmailTheStoreNeverHoldsTheEmailAndUserFiltersStillFindTheRecords() {
        RagdConfig config = RagdConfig.from(new Env(Map.of("RAGD_DATA_DIR", dataDir.toString(),
                "RAGD_HASH_EMAIL", "true")));

        try (ChatLog log = ChatLogs.open(config)) {
            assertThat(log).isInstanceOf(HashedEmailChatLog.class);
            log.upsert(record("h1", T0));
            log.upsert(record("h2", T0.plusSeconds(1)));

            ChatRecord stored = log.recent(1).getFirst();
            assertThat(stored.userEmail()).startsWith("sha256:").isEqualTo(HashedEmailChatLog.hash("ada@example.com"));
            assertThat(ChatRecordJson.toJson(stored)).doesNotContain("ada@example.com");
            assertThat(log.find(ChatLogQuery.all(10).withUser("ADA@example.com"))).extracting(ChatRecord::id)
                    .containsExactly("h2", "h1");
            assertThat(log.find(ChatLogQuery.all(10).withUser(stored.userEmail()))).hasSize(2);
            assertThat(log.find(ChatLogQuery.all(10).withUser("bob@example.com"))).isEmpty();
        }
        try (FileChatLog raw = new FileChatLog(ChatLogs.fileDir(config))) {
            assertThat(raw.find(ChatLogQuery.all(10).withUser("ada@example.com"))).isEmpty();
        }
    }

    @Test
    void theAskerRatesByTheirEmailWhileTheStoreHoldsOnlyItsHash() {
        RagdConfig config = RagdConfig.from(new Env(Map.of("RAGD_DATA_DIR", dataDir.toString(),
                "RAGD_HASH_EMAIL", "true")));
        Feedback down = new Feedback(Feedback.Rating.down, null, java.util.List.of("wrong"), T0);

        try (ChatLog log = ChatLogs.open(config)) {
            log.upsert(record("h1", T0));

            assertThat(log.rate("h1", "bob@example.com", down)).isEmpty();
            assertThat(log.rate("h1", "ada@example.com", down)).isPresent();
            ChatRecord rated = log.get("h1").orElseThrow();
            assertThat(rated.feedback()).isEqualTo(down);
            assertThat(rated.userEmail()).isEqualTo(HashedEmailChatLog.hash("ada@example.com"));
            assertThat(log.find(ChatLogQuery.all(5).withFeedback(Feedback.Rating.down).withUser("ada@example.com")))
                    .extracting(ChatRecord::id).containsExactly("h1");
        }
    }

    @Test
    void theAskerDeletesTheirConversationByTheirEmailWhileTheStoreHoldsOnlyItsHash() {
        RagdConfig config = RagdConfig.from(new Env(Map.of("RAGD_DATA_DIR", dataDir.toString(),
                "RAGD_HASH_EMAIL", "true")));

        try (ChatLog log = ChatLogs.open(config)) {
            log.upsert(record("h1", T0).withConversation("h1"));
            log.upsert(record("h2", T0.plusSeconds(1)).withConversation("h1"));

            assertThat(log.deleteConversation("h1", "bob@example.com")).isZero();
            assertThat(log.deleteConversation("h1", "Ada@example.com")).isEqualTo(2);
            assertThat(log.recent(5)).isEmpty();
        }
    }
}
