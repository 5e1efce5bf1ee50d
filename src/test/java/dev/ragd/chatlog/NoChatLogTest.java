package dev.ragd.chatlog;

import static dev.ragd.testsupport.ChatRecords.T0;
import static dev.ragd.testsupport.ChatRecords.record;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class NoChatLogTest {

    @Test
    void acceptsRecordsAndKeepsNone() {
        try (ChatLog log = new NoChatLog()) {
            log.upsert(record("dropped", T0));

            assertThat(log.recent(10)).isEmpty();
            assertThat(log.olderThan(T0.plusSeconds(1), "z", 10)).isEmpty();
            List<ChatRecord> all = new ArrayList<>();
            log.forEachRecord(all::add);
            assertThat(all).isEmpty();
            assertThat(log.describe()).isEqualTo("none");
        }
    }

    @Test
    void aRatingIsRefusedSayingNoRecordsAreKept() {
        try (ChatLog log = new NoChatLog()) {
            log.upsert(record("dropped", T0));

            assertThat(log.get("dropped")).isEmpty();
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> log.rate("dropped", null,
                    new Feedback(Feedback.Rating.up, null, List.of(), T0)))
                    .isInstanceOf(UnsupportedOperationException.class).hasMessageContaining("RAGD_CHATLOG=none");
        }
    }
}
