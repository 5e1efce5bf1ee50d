package dev.ragd.ops.loadtest.run;

import static dev.ragd.testsupport.ChatRecords.T0;
import static dev.ragd.testsupport.ChatRecords.record;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ragd.chatlog.ChatRecord;
import dev.ragd.testsupport.InMemoryChatLog;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AuditTest {

    private static InMemoryChatLog log(ChatRecord... records) {
        InMemoryChatLog log = new InMemoryChatLog();
        for (ChatRecord r : records) {
            log.upsert(r);
        }
        return log;
    }

    @Test
    void everyReceivedAnswerStoredOnceAndCompletedPasses() {
        List<String> seen = new java.util.ArrayList<>();
        Audit a = Audit.of(List.of("a", "b"), log(record("a", T0), record("b", T0.plusMillis(1)), record("c", T0.plusMillis(2))),
                r -> seen.add(r.id()));

        assertThat(seen).as("every record handed on, in the same pass").containsExactlyInAnyOrder("a", "b", "c");

        assertThat(a.passed()).isTrue();
        assertThat(a.received()).isEqualTo(2);
        // A record nobody received (a user stopped reading, a cut stream) is no loss.
        assertThat(a.records()).isEqualTo(3);
        assertThat(a.describe()).contains("2 answers received, 3 records").contains("exactly once");
    }

    @Test
    void aReceivedAnswerMissingFromTheLogFailsAndIsNamed() {
        Audit a = Audit.of(List.of("a", "lost-1"), log(record("a", T0)));

        assertThat(a.passed()).isFalse();
        assertThat(a.missing()).isEqualTo(1);
        assertThat(a.examples()).containsExactly("lost-1 (missing)");
        assertThat(a.describe()).contains("1 missing");
    }

    @Test
    void anAnswerReceivedTwiceOrStoredAsNotCompletedFails() {
        ChatRecord cancelled = new ChatRecord("x", "req-x", "q", T0, "partial", null, List.of(),
                ChatRecord.Status.cancelled, "m", 1, 2, 3, 4, 5);
        Audit a = Audit.of(List.of("a", "a", "x"), log(record("a", T0), cancelled));

        assertThat(a.duplicated()).isEqualTo(1);
        assertThat(a.notCompleted()).isEqualTo(1);
        assertThat(a.recordsByStatus()).isEqualTo(Map.of("completed", 1L, "cancelled", 1L));
        assertThat(a.passed()).isFalse();
    }
}
