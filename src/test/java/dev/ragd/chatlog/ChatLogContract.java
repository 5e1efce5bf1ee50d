package dev.ragd.chatlog;

import static dev.ragd.testsupport.ChatRecords.T0;
import static dev.ragd.testsupport.ChatRecords.record;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ragd.chatlog.ChatRecord.Status;
import dev.ragd.chatlog.Feedback.Rating;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every durable {@link ChatLog} backend must do. A backend's test extends this class and
 * opens a fresh, empty store in {@link #openEmpty()}.
 */
public abstract class ChatLogContract {

    protected ChatLog chatLog;

    /** A new, empty store; closed after each test. */
    protected abstract ChatLog openEmpty() throws Exception;

    /**
     * What {@code r} reads back as. Identity, except where the store documents a change
     * (PostgreSQL stores U+0000 as U+FFFD).
     */
    protected ChatRecord asStored(ChatRecord r) {
        return r;
    }

    @BeforeEach
    void open() throws Exception {
        chatLog = openEmpty();
    }

    @AfterEach
    void closeLog() {
        chatLog.close();
    }

    @Test
    void upsertedRecordComesBackWithEveryFieldEqual() {
        ChatRecord r = record("r1", T0);

        chatLog.upsert(r);

        assertThat(chatLog.recent(10)).containsExactly(r);
    }

    @Test
    void recordWithNullOptionalFieldsComesBackEqual() {
        ChatRecord r = new ChatRecord("r-null", null, T0, null, null, List.of(), Status.failed, null, 0, 0, 0, 0, 0);

        chatLog.upsert(r);

        assertThat(chatLog.recent(1)).containsExactly(r);
    }

    @Test
    void upsertingTheSameIdTwiceKeepsOneRecordAndTheSecondVersionWins() {
        chatLog.upsert(new ChatRecord("same", "q", T0, "", null, List.of(), Status.cancelled, "m", 1, 0, 1, 0, 0));
        ChatRecord second = record("same", T0.plusMillis(5));

        chatLog.upsert(second);

        assertThat(chatLog.recent(10)).containsExactly(second);
    }

    @Test
    void recentIsNewestFirstAndHonoursTheLimit() {
        chatLog.upsert(record("b", T0.plusSeconds(1)));
        chatLog.upsert(record("c", T0.plusSeconds(2)));
        chatLog.upsert(record("a", T0));

        assertThat(chatLog.recent(2)).extracting(ChatRecord::id).containsExactly("c", "b");
        assertThat(chatLog.recent(10)).extracting(ChatRecord::id).containsExactly("c", "b", "a");
        assertThat(chatLog.recent(0)).isEmpty();
    }

    @Test
    void recordsWithTheSameTimestampAreOrderedByIdDescending() {
        chatLog.upsert(record("x1", T0));
        chatLog.upsert(record("x3", T0));
        chatLog.upsert(record("x2", T0));

        assertThat(chatLog.recent(3)).extracting(ChatRecord::id).containsExactly("x3", "x2", "x1");
    }

    @Test
    void negativeLimitIsRejectedNamingTheLimit() {
        assertThatThrownBy(() -> chatLog.recent(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("limit");
    }

    @Test
    void pagingWithOlderThanVisitsEveryRecordOnceNewestFirst() {
        for (int i = 0; i < 1200; i++) {
            chatLog.upsert(record("p" + (i % 7) + "-" + i, T0.plusMillis(i / 3)));
        }
        List<ChatRecord> seen = new ArrayList<>();

        chatLog.forEachRecord(seen::add);

        assertThat(seen).hasSize(1200).doesNotHaveDuplicates();
        assertThat(seen).isSortedAccordingTo((x, y) -> {
            int byTime = y.timestamp().compareTo(x.timestamp());
            return byTime != 0 ? byTime : y.id().compareTo(x.id());
        });
        assertThat(chatLog.olderThan(seen.get(9).timestamp(), seen.get(9).id(), 3))
                .containsExactlyElementsOf(seen.subList(10, 13));
    }

    @Test
    void concurrentUpsertsFromEightThreadsAllLandExactlyOnce() throws Exception {
        int threads = 8;
        int perThread = 50;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                done.add(pool.submit(() -> IntStream.range(0, perThread).forEach(i -> {
                    ChatRecord r = record("t" + thread + "-" + i, T0.plusMillis(i));
                    chatLog.upsert(r);
                    chatLog.upsert(r);
                })));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }

        List<ChatRecord> all = chatLog.recent(10_000);
        assertThat(all).hasSize(threads * perThread);
        assertThat(all).extracting(ChatRecord::id).doesNotHaveDuplicates();
    }

    @Test
    void unicodeAndAHundredKilobyteAnswerSurvive() {
        String question = "Ünïcödé? 日本語の質問 🚀 \"quotes\" \\ back\nslash\ttab \u0000 nul";
        String answer = "Ω≈ç√ 😀 ".repeat(100 * 1024 / 8) + "end";
        ChatRecord r = record("unicode-é-😀", T0, question, answer);

        chatLog.upsert(r);

        ChatRecord back = chatLog.recent(1).getFirst();
        assertThat(back).isEqualTo(asStored(r));
        assertThat(back.finalAnswer()).hasSize(answer.length()).endsWith("end");
    }

    private static ChatRecord by(String id, Instant ts, String email, Status status) {
        ChatRecord r = record(id, ts);
        return new ChatRecord(r.id(), r.requestId(), r.userQuestion(), r.timestamp(), r.finalAnswer(), email,
                r.agentsSearchResults(), status, r.model(), 1, 2, 3, 4, 5);
    }

    private void seedMixed() {
        chatLog.upsert(by("m1", T0, "ada@example.com", Status.completed));
        chatLog.upsert(by("m2", T0.plusSeconds(10), "bob@example.com", Status.failed));
        chatLog.upsert(by("m3", T0.plusSeconds(20), "ada@example.com", Status.failed));
        chatLog.upsert(by("m4", T0.plusSeconds(30), null, Status.cancelled));
        chatLog.upsert(by("m5", T0.plusSeconds(40), "ada@example.com", Status.completed));
    }

    @Test
    void findWithoutFiltersIsRecentWithALimit() {
        seedMixed();

        assertThat(chatLog.find(ChatLogQuery.all(3))).extracting(ChatRecord::id).containsExactly("m5", "m4", "m3");
        assertThat(chatLog.find(ChatLogQuery.all(0))).isEmpty();
    }

    @Test
    void findByUserReturnsOnlyThatUsersRecordsNewestFirst() {
        seedMixed();

        assertThat(chatLog.find(ChatLogQuery.all(10).withUser("ada@example.com")))
                .extracting(ChatRecord::id).containsExactly("m5", "m3", "m1");
        assertThat(chatLog.find(ChatLogQuery.all(10).withUser("nobody@example.com"))).isEmpty();
    }

    @Test
    void findSinceIncludesTheBoundaryAndExcludesOlderRecords() {
        seedMixed();

        assertThat(chatLog.find(ChatLogQuery.all(10).withSince(T0.plusSeconds(20))))
                .extracting(ChatRecord::id).containsExactly("m5", "m4", "m3");
    }

    @Test
    void findByStatusCombinesWithTheOtherFilters() {
        seedMixed();

        assertThat(chatLog.find(ChatLogQuery.all(10).withStatus(Status.failed)))
                .extracting(ChatRecord::id).containsExactly("m3", "m2");
        assertThat(chatLog.find(ChatLogQuery.all(10).withStatus(Status.failed).withUser("ada@example.com")
                .withSince(T0.plusSeconds(5)))).extracting(ChatRecord::id).containsExactly("m3");
    }

    @Test
    void forEachMatchingPagesThroughEveryMatchOnceWithTheCursor() {
        for (int i = 0; i < 250; i++) {
            chatLog.upsert(by("u" + i, T0.plusMillis(i / 4), i % 3 == 0 ? "ada@example.com" : "bob@example.com",
                    Status.completed));
        }
        List<ChatRecord> seen = new ArrayList<>();

        long count = chatLog.forEachMatching(ChatLogQuery.all(7).withUser("ada@example.com"), seen::add);

        assertThat(count).isEqualTo(84);
        assertThat(seen).hasSize(84).extracting(ChatRecord::id).doesNotHaveDuplicates();
        assertThat(seen).allMatch(r -> r.userEmail().equals("ada@example.com"));
        assertThat(seen).isSortedAccordingTo((x, y) -> {
            int byTime = y.timestamp().compareTo(x.timestamp());
            return byTime != 0 ? byTime : y.id().compareTo(x.id());
        });
    }

    @Test
    void deleteRemovesOnlyRecordsOlderThanTheCutoffAndCountsThem() {
        seedMixed();

        long deleted = chatLog.delete(T0.plusSeconds(20));

        assertThat(deleted).isEqualTo(2);
        assertThat(chatLog.recent(10)).extracting(ChatRecord::id).containsExactly("m5", "m4", "m3");
        assertThat(chatLog.delete(T0.plusSeconds(20))).isZero();
    }

    private static Feedback feedback(Rating rating, String reason, String... categories) {
        return new Feedback(rating, reason, List.of(categories), T0.plusSeconds(60));
    }

    @Test
    void getFindsARecordByIdAndNothingForAnUnknownId() {
        seedMixed();

        assertThat(chatLog.get("m3")).contains(asStored(by("m3", T0.plusSeconds(20), "ada@example.com", Status.failed)));
        assertThat(chatLog.get("nope")).isEmpty();
    }

    @Test
    void ratingKeepsTheRecordAndTheLastRatingWins() {
        ChatRecord r = record("f1", T0);
        chatLog.upsert(r);

        Feedback first = feedback(Rating.down, "Cites the wrong manual — «falsch»", "wrong", "outdated");
        assertThat(chatLog.rate("f1", "ada@example.com", first)).contains(asStored(r).withFeedback(first));
        Feedback second = feedback(Rating.up, null);
        chatLog.rate("f1", "ada@example.com", second);

        assertThat(chatLog.get("f1")).contains(asStored(r).withFeedback(second));
        assertThat(chatLog.recent(10)).containsExactly(asStored(r).withFeedback(second));
    }

    @Test
    void onlyTheRecordsOwnUserMayRateItAndNoUserMeansAnyone() {
        ChatRecord r = record("f2", T0);
        chatLog.upsert(r);

        assertThat(chatLog.rate("f2", "mallory@example.com", feedback(Rating.down, "spam"))).isEmpty();
        assertThat(chatLog.rate("missing", "ada@example.com", feedback(Rating.down, null))).isEmpty();
        assertThat(chatLog.get("f2")).contains(asStored(r));

        assertThat(chatLog.rate("f2", null, feedback(Rating.up, null))).isPresent();
        assertThat(chatLog.get("f2").orElseThrow().feedback().rating()).isEqualTo(Rating.up);
    }

    @Test
    void findByFeedbackSeesOnlyTheLatestRatingAndCombinesWithTheOtherFilters() {
        seedMixed();
        chatLog.rate("m1", null, feedback(Rating.down, "old"));
        chatLog.rate("m2", null, feedback(Rating.down, null));
        chatLog.rate("m3", null, feedback(Rating.down, null));
        chatLog.rate("m3", null, feedback(Rating.up, "changed my mind"));
        chatLog.rate("m5", null, feedback(Rating.down, null, "incomplete"));

        assertThat(chatLog.find(ChatLogQuery.all(10).withFeedback(Rating.down)))
                .extracting(ChatRecord::id).containsExactly("m5", "m2", "m1");
        assertThat(chatLog.find(ChatLogQuery.all(10).withFeedback(Rating.up))).extracting(ChatRecord::id)
                .containsExactly("m3");
        assertThat(chatLog.find(ChatLogQuery.all(10).withFeedback(Rating.down).withUser("ada@example.com")))
                .extracting(ChatRecord::id).containsExactly("m5", "m1");
        List<ChatRecord> paged = new ArrayList<>();
        chatLog.forEachMatching(ChatLogQuery.all(1).withFeedback(Rating.down), paged::add);
        assertThat(paged).extracting(ChatRecord::id).containsExactly("m5", "m2", "m1");
    }

    private static ChatRecord turn(String id, Instant ts, String email, String conversation) {
        return by(id, ts, email, Status.completed).withConversation(conversation);
    }

    private void seedConversations() {
        chatLog.upsert(turn("c1", T0, "ada@example.com", "c1"));
        chatLog.upsert(turn("c2", T0.plusSeconds(5), "ada@example.com", "c2"));
        chatLog.upsert(turn("c1-2", T0.plusSeconds(10), "ada@example.com", "c1"));
        chatLog.upsert(turn("c3", T0.plusSeconds(20), "bob@example.com", "c3"));
        chatLog.upsert(turn("loose", T0.plusSeconds(30), "ada@example.com", null));
        chatLog.upsert(turn("c1-3", T0.plusSeconds(40), "ada@example.com", "c1"));
    }

    @Test
    void aConversationsTurnsAreFoundTogetherNewestFirstWithTheirConversationKept() {
        seedConversations();

        assertThat(chatLog.find(ChatLogQuery.all(10).withConversation("c1")))
                .extracting(ChatRecord::id).containsExactly("c1-3", "c1-2", "c1");
        assertThat(chatLog.find(ChatLogQuery.all(2).withConversation("c1").withUser("ada@example.com")))
                .extracting(ChatRecord::id).containsExactly("c1-3", "c1-2");
        assertThat(chatLog.find(ChatLogQuery.all(10).withConversation("c1").withUser("bob@example.com"))).isEmpty();
        assertThat(chatLog.get("c1-2")).contains(asStored(turn("c1-2", T0.plusSeconds(10), "ada@example.com", "c1")));
        assertThat(chatLog.get("loose").orElseThrow().conversationId()).isNull();
    }

    @Test
    void theOpenersQueryListsEachConversationOnceByItsFirstTurn() {
        seedConversations();

        assertThat(chatLog.find(ChatLogQuery.all(10).openersOnly())).extracting(ChatRecord::id)
                .containsExactly("c3", "c2", "c1");
        assertThat(chatLog.find(ChatLogQuery.all(10).openersOnly().withUser("ada@example.com")))
                .extracting(ChatRecord::id).containsExactly("c2", "c1");
        List<ChatRecord> paged = new ArrayList<>();
        chatLog.forEachMatching(ChatLogQuery.all(1).openersOnly(), paged::add);
        assertThat(paged).extracting(ChatRecord::id).containsExactly("c3", "c2", "c1");
    }

    @Test
    void deletingAConversationRemovesOnlyItsOwnersTurnsOfIt() {
        seedConversations();

        assertThat(chatLog.deleteConversation("c1", "bob@example.com")).isZero();
        assertThat(chatLog.deleteConversation("c1", "ada@example.com")).isEqualTo(3);
        assertThat(chatLog.deleteConversation("c1", "ada@example.com")).isZero();
        assertThat(chatLog.deleteConversation("c3", null)).isEqualTo(1);

        assertThat(chatLog.recent(10)).extracting(ChatRecord::id).containsExactly("loose", "c2");
    }
}
