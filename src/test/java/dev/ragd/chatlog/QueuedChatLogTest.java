package dev.ragd.chatlog;

import static dev.ragd.testsupport.ChatRecords.T0;
import static dev.ragd.testsupport.ChatRecords.record;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ragd.testsupport.Await;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class QueuedChatLogTest {

    /** A store that can be switched off; counts successful upserts per id and every attempt. */
    static final class SwitchableStore implements ChatLog {
        final Map<String, ChatRecord> records = new ConcurrentHashMap<>();
        final Map<String, AtomicInteger> upserts = new ConcurrentHashMap<>();
        final List<String> writeOrder = Collections.synchronizedList(new ArrayList<>());
        final AtomicInteger attempts = new AtomicInteger();
        final AtomicBoolean down = new AtomicBoolean();
        final AtomicBoolean closed = new AtomicBoolean();

        @Override
        public void upsert(ChatRecord r) {
            attempts.incrementAndGet();
            if (down.get()) {
                throw new IllegalStateException("store unreachable (test outage)");
            }
            records.put(r.id(), r);
            upserts.computeIfAbsent(r.id(), k -> new AtomicInteger()).incrementAndGet();
            writeOrder.add(r.id());
        }

        @Override
        public List<ChatRecord> recent(int limit) {
            return records.values().stream().limit(limit).toList();
        }

        /** Deletes even while upserts fail (as a store refusing writes for lack of space may). */
        @Override
        public long deleteConversation(String conversationId, String user) {
            List<String> ids = records.values().stream().filter(r -> conversationId.equals(r.conversationId())
                    && (user == null || user.equals(r.userEmail()))).map(ChatRecord::id).toList();
            ids.forEach(records::remove);
            return ids.size();
        }

        @Override
        public String describe() {
            return "switchable";
        }

        @Override
        public void close() {
            closed.set(true);
        }
    }

    private final SwitchableStore store = new SwitchableStore();
    private QueuedChatLog log = new QueuedChatLog(store, 10, 5, Duration.ofMillis(20), Duration.ofMillis(100));

    @AfterEach
    void closeLog() {
        store.down.set(false);
        log.close();
    }

    private static List<String> ids(int n) {
        return IntStream.range(0, n).mapToObj(i -> "req-" + i).toList();
    }

    @Test
    void writeGoesStraightToAWorkingStore() {
        assertThat(log.write(record("a", T0))).isEqualTo(WriteOutcome.STORED);

        assertThat(store.records).containsKey("a");
        assertThat(log.queued()).isZero();
        assertThat(log.counters()).isEqualTo(new QueuedChatLog.Counters(1, 0, 0, 0, 0));
        assertThat(log.recent(10)).extracting(ChatRecord::id).containsExactly("a");
    }

    @Test
    void duringAnOutageRecordsAreQueuedAndAfterRecoveryEachIsWrittenExactlyOnceInOrder() throws Exception {
        store.down.set(true);
        for (String id : ids(4)) {
            assertThat(log.write(record(id, T0))).isEqualTo(WriteOutcome.QUEUED);
        }
        assertThat(log.queued()).isEqualTo(4);
        assertThat(store.records).isEmpty();

        store.down.set(false);
        Await.until(() -> log.queued() == 0);

        assertThat(store.writeOrder).containsExactlyElementsOf(ids(4));
        assertThat(store.upserts.values()).allSatisfy(n -> assertThat(n.get()).isEqualTo(1));
        assertThat(log.counters()).isEqualTo(new QueuedChatLog.Counters(0, 4, 4, 0, 0));
    }

    @Test
    void whileRecordsAreQueuedANewRecordQueuesBehindThemInsteadOfOvertaking() throws Exception {
        store.down.set(true);
        log.write(record("first", T0));
        store.down.set(false);

        assertThat(log.write(record("second", T0))).isIn(WriteOutcome.QUEUED, WriteOutcome.STORED);
        Await.until(() -> log.queued() == 0);

        assertThat(store.writeOrder).containsExactly("first", "second");
    }

    @Test
    void aRecordRewrittenWhileQueuedReplacesTheQueuedCopy() throws Exception {
        store.down.set(true);
        log.write(record("x", T0, "q", "partial"));
        log.write(record("x", T0, "q", "partial and more"));
        assertThat(log.queued()).isEqualTo(1);

        store.down.set(false);
        Await.until(() -> log.queued() == 0);

        assertThat(store.upserts.get("x").get()).isEqualTo(1);
        assertThat(store.records.get("x").finalAnswer()).isEqualTo("partial and more");
    }

    private static Feedback down(String reason) {
        return new Feedback(Feedback.Rating.down, reason, List.of(), T0);
    }

    @Test
    void deletingAConversationDropsItsOwnersQueuedTurnsSoTheyNeverReachTheStore() throws Exception {
        log.write(record("s1", T0).withConversation("c"));
        store.down.set(true);
        log.write(record("q1", T0.plusSeconds(1)).withConversation("c"));
        log.write(record("q2", T0.plusSeconds(2)).withConversation("other"));

        assertThat(log.deleteConversation("c", "mallory@example.com")).isZero();
        assertThat(log.deleteConversation("c", "ada@example.com")).isEqualTo(2);
        assertThat(log.queued()).isEqualTo(1);

        store.down.set(false);
        Await.until(() -> log.queued() == 0);
        assertThat(store.records.keySet()).containsExactly("q2");
    }

    @Test
    void aConversationsQueuedTurnIsFoundWithItsStoredOnesAndOnlyByItsOwner() throws Exception {
        log.write(record("s1", T0).withConversation("c"));
        store.down.set(true);
        log.write(record("q1", T0.plusSeconds(1)).withConversation("c"));

        assertThat(log.find(ChatLogQuery.all(10).withConversation("c").withUser("ada@example.com")))
                .extracting(ChatRecord::id).containsExactly("q1", "s1");
        assertThat(log.find(ChatLogQuery.all(1).withConversation("c"))).extracting(ChatRecord::id).containsExactly("q1");
        assertThat(log.find(ChatLogQuery.all(10).withConversation("c").withUser("bob@example.com"))).isEmpty();
        assertThat(log.getFor("q1", "ada@example.com")).isPresent();
        assertThat(log.getFor("q1", "bob@example.com")).isEmpty();
        assertThat(log.getFor("s1", "ada@example.com")).isPresent();
    }

    @Test
    void aRecordRatedWhileQueuedIsReadFromTheQueueAndReachesTheStoreWithItsFeedback() throws Exception {
        store.down.set(true);
        log.write(record("x", T0));

        assertThat(log.rate("x", "mallory@example.com", down("no"))).isEmpty();
        assertThat(log.rate("x", "ada@example.com", down("wrong price"))).isPresent();
        assertThat(log.get("x").orElseThrow().feedback().reason()).isEqualTo("wrong price");
        assertThat(log.queued()).isEqualTo(1);

        store.down.set(false);
        Await.until(() -> log.queued() == 0);
        assertThat(store.records.get("x").feedback()).isEqualTo(down("wrong price"));
        assertThat(store.upserts.get("x").get()).isEqualTo(1);
    }

    @Test
    void aRatingOfAStoredRecordWhileTheStoreIsDownFailsAndIsNotQueued() {
        log.write(record("y", T0));
        store.down.set(true);

        assertThatThrownBy(() -> log.rate("y", "ada@example.com", down(null))).hasMessageContaining("unreachable");
        assertThat(log.queued()).isZero();
        assertThat(store.records.get("y").feedback()).isNull();
    }

    @Test
    void aFullQueueRejectsAndRefusesNewQuestions() {
        store.down.set(true);
        ids(10).forEach(id -> assertThat(log.write(record(id, T0))).isEqualTo(WriteOutcome.QUEUED));
        assertThat(log.acceptingNewQuestions()).isFalse();

        assertThat(log.write(record("one-too-many", T0))).isEqualTo(WriteOutcome.REJECTED);
        assertThatThrownBy(() -> log.upsert(record("another", T0)))
                .isInstanceOf(QueuedChatLog.QueueFullException.class).hasMessageContaining("queue is full");
        assertThat(log.counters().rejected()).isEqualTo(2);
        assertThat(log.queued()).isEqualTo(10);
    }

    @Test
    void upsertOfAQueuedRecordReturnsNormally() {
        store.down.set(true);
        log.upsert(record("q", T0));
        assertThat(log.queued()).isEqualTo(1);
    }

    @Test
    void passingTheReadinessThresholdMakesItUnhealthyWithAReason() {
        store.down.set(true);
        ids(4).forEach(id -> log.write(record(id, T0)));
        assertThat(log.healthy()).isTrue();
        assertThat(log.notReadyReason()).isNull();

        log.write(record("fifth", T0));

        assertThat(log.healthy()).isFalse();
        assertThat(log.acceptingNewQuestions()).isTrue();
        assertThat(log.notReadyReason()).contains("switchable").contains("5 records queued");
    }

    @Test
    void flushWaitsForTheQueueToReachTheStoreAndReportsWhatIsLeft() {
        store.down.set(true);
        ids(3).forEach(id -> log.write(record(id, T0)));

        assertThat(log.flush(Duration.ofMillis(300))).isEqualTo(3);

        store.down.set(false);
        assertThat(log.flush(Duration.ofSeconds(10))).isZero();
        assertThat(store.records).containsOnlyKeys(ids(3));
    }

    @Test
    void closeGivesQueuedRecordsALastTryAndClosesTheStore() {
        QueuedChatLog slow = new QueuedChatLog(store, 10, 5, Duration.ofSeconds(5), Duration.ofSeconds(10));
        store.down.set(true);
        ids(3).forEach(id -> slow.write(record(id, T0)));
        store.down.set(false);

        slow.close();

        assertThat(store.records).containsOnlyKeys(ids(3));
        assertThat(store.closed).isTrue();
        assertThatThrownBy(() -> slow.write(record("late", T0))).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void closeDuringAnOutageReturnsAndKeepsTheQueueCountHonest() {
        store.down.set(true);
        ids(2).forEach(id -> log.write(record(id, T0)));

        log.close();

        assertThat(store.records).isEmpty();
        assertThat(log.queued()).isEqualTo(2);
        assertThat(store.closed).isTrue();
    }

    @Test
    void whileTheStoreIsDownTheFlusherBacksOffInsteadOfSpinning() throws Exception {
        QueuedChatLog backingOff = new QueuedChatLog(store, 10, 5, Duration.ofMillis(50), Duration.ofMillis(400));
        try {
            store.down.set(true);
            backingOff.write(record("r", T0));
            int afterFirstWrite = store.attempts.get();

            Thread.sleep(1500);

            int retries = store.attempts.get() - afterFirstWrite;
            // 50 ms doubling to 400 ms (each delay at least half its step) allows about 8 retries in 1.5 s;
            // a spinning flusher would make thousands.
            assertThat(retries).isBetween(2, 15);
            store.down.set(false);
            Await.until(() -> backingOff.queued() == 0);
        } finally {
            backingOff.close();
        }
    }

    @Test
    void backoffGrowsExponentiallyUpToTheCapWithJitter() {
        QueuedChatLog l = new QueuedChatLog(store, 10, 5, Duration.ofMillis(100), Duration.ofSeconds(10));
        try {
            for (int failures = 1; failures < 40; failures++) {
                long step = Math.min(100L << Math.min(failures - 1, 30), 10_000L) * 1_000_000L;
                assertThat(l.backoffNanos(failures)).isBetween(step / 2, step);
            }
        } finally {
            l.close();
        }
    }

    @Test
    void badLimitsAreRefusedWithTheirNames() {
        assertThatThrownBy(() -> new QueuedChatLog(store, 0, 1)).hasMessageContaining("capacity");
        assertThatThrownBy(() -> new QueuedChatLog(store, 10, 11)).hasMessageContaining("readyThreshold");
    }
}
