package dev.ragd.chatlog;


import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The interface's default paging, on a minimal in-memory log of the kind other tests use as a
 * double: it must pass the same contract as a real backend.
 */
class InMemoryChatLogDefaultsTest extends ChatLogContract {

    static final class InMemoryChatLog implements ChatLog {
        private final Map<String, ChatRecord> records = new ConcurrentHashMap<>();

        @Override
        public void upsert(ChatRecord record) {
            records.put(record.id(), record);
        }

        @Override
        public List<ChatRecord> recent(int limit) {
            ChatLogs.checkLimit(limit);
            return records.values().stream()
                    .sorted(Comparator.comparing(ChatRecord::timestamp).thenComparing(ChatRecord::id).reversed())
                    .limit(limit).toList();
        }

        @Override
        public long delete(java.time.Instant olderThan) {
            List<String> old = records.values().stream().filter(r -> r.timestamp().isBefore(olderThan))
                    .map(ChatRecord::id).toList();
            old.forEach(records::remove);
            return old.size();
        }

        @Override
        public String describe() {
            return "memory";
        }
    }

    @Override
    protected ChatLog openEmpty() {
        return new InMemoryChatLog();
    }

    /** The interface cannot delete one conversation's records for a store that deletes none singly. */
    @Override
    @org.junit.jupiter.api.Test
    void deletingAConversationRemovesOnlyItsOwnersTurnsOfIt() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> chatLog.deleteConversation("c1", null))
                .isInstanceOf(UnsupportedOperationException.class).hasMessageContaining("cannot delete conversations");
    }
}
