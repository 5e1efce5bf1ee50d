package dev.ragd.chat;

import dev.ragd.testsupport.Pipelines;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ragd.chatlog.ChatRecord;
import dev.ragd.config.Env;
import dev.ragd.config.RagdConfig;
import dev.ragd.llm.Message;
import dev.ragd.testsupport.FakeGenerator;
import dev.ragd.retrieval.SearchUnavailableException;
import dev.ragd.testsupport.FakeRetriever;
import dev.ragd.testsupport.InMemoryChatLog;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ChatPipelineTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String ANSWER = "The library opens at 9 am [1].";

    private Vertx vertx;
    private FakeRetriever retriever;
    private FakeGenerator generator;
    private InMemoryChatLog chatLog;
    private RecordingEvents events;

    @BeforeEach
    void setUp() {
        vertx = Vertx.vertx();
        retriever = new FakeRetriever();
        generator = FakeGenerator.text(ANSWER, 0);
        events = new RecordingEvents();
        chatLog = new InMemoryChatLog(events.journal);
    }

    @AfterEach
    void tearDown() {
        vertx.close().await();
    }

    private ChatPipeline pipeline(Map<String, String> env) {
        return Pipelines.create(vertx, RagdConfig.from(new Env(env)), retriever, generator, chatLog);
    }

    private Context ctx;

    private ChatHandle run(ChatPipeline pipeline, ChatRequest request) throws Exception {
        ctx = vertx.getOrCreateContext();
        CompletableFuture<ChatHandle> handle = new CompletableFuture<>();
        ctx.runOnContext(v -> handle.complete(pipeline.run(request, events)));
        return handle.get(10, TimeUnit.SECONDS);
    }

    private static ChatRequest ask(String id, String question) {
        return new ChatRequest(id, "ann@example.org", List.of(Message.user(question)), true);
    }

    @Test
    void afterStopAcceptingANewQuestionIsRefusedAsRetryableWithoutARecord() throws Exception {
        ChatPipeline pipeline = pipeline(Map.of());
        pipeline.stopAccepting();

        run(pipeline, ask("late", "When does the library open?"));
        ChatError error = events.failed.get(10, TimeUnit.SECONDS);

        assertThat(error.code()).isEqualTo(ErrorCodes.SHUTTING_DOWN);
        assertThat(error.retryable()).isTrue();
        assertThat(error.retryAfterMs()).isPositive();
        assertThat(chatLog.record("late")).isNull();
    }

    @Test
    void writesTheCompletedRecordBeforeSendingTheEnd() throws Exception {
        chatLog.slow(100);

        run(pipeline(Map.of()), ask("r1", "When does the library open?"));
        EndInfo end = events.ended.get(10, TimeUnit.SECONDS);

        assertThat(events.journal).containsSubsequence("start", "sources", "token", "upsert:completed", "end");
        assertThat(events.journal.indexOf("upsert:completed")).isLessThan(events.journal.indexOf("end"));
        assertThat(end.logId()).isNotEqualTo("r1");
        assertThat(chatLog.byLogId(end.logId()).requestId()).isEqualTo("r1");
        assertThat(end.answer()).isEqualTo(ANSWER).isEqualTo(events.answer.toString());
        assertThat(end.languageModel()).isFalse();
        assertThat(end.timings().completionTokens()).isEqualTo(generator.tokenCount());
        ChatRecord r = chatLog.record("r1");
        assertThat(r.status()).isEqualTo(ChatRecord.Status.completed);
        assertThat(r.finalAnswer()).isEqualTo(ANSWER);
        assertThat(r.userQuestion()).isEqualTo("When does the library open?");
        assertThat(r.userEmail()).isEqualTo("ann@example.org");
        assertThat(r.model()).isEqualTo("fake-words");
        assertThat(r.agentsSearchResults()).singleElement().satisfies(s -> {
            assertThat(s.query()).isEqualTo("When does the library open?");
            assertThat(s.hits()).extracting(h -> h.docId()).containsExactly("faq-1", "faq-2");
        });
    }

    @Test
    void usesOnlyTheLastHistoryMessagesAndStripsTheQuestionPrefix() throws Exception {
        Map<String, String> env = new HashMap<>(Map.of("RAGD_HISTORY_MESSAGES", "4", "RAGD_TOP_K", "1"));
        List<Message> messages = List.of(Message.user("q1"), Message.assistant("a1"), Message.user("q2"),
                Message.assistant("a2"), Message.user("q3"), Message.assistant("a3"),
                Message.user("user_question:  And on Sundays? "));

        run(pipeline(env), new ChatRequest("r2", null, messages, true));
        events.ended.get(10, TimeUnit.SECONDS);

        assertThat(retriever.lastQuery).isEqualTo("And on Sundays?");
        assertThat(retriever.lastTopK).isEqualTo(1);
        assertThat(generator.lastRequest.question()).isEqualTo("And on Sundays?");
        assertThat(generator.lastRequest.history()).containsExactly(Message.assistant("a2"), Message.user("q3"),
                Message.assistant("a3"));
        assertThat(generator.lastRequest.passages()).hasSize(1);
    }

    @Test
    void rejectsAQuestionOverTheLimitWithoutSearching() throws Exception {
        run(pipeline(Map.of("RAGD_MAX_QUESTION_CHARS", "10")), ask("r3", "This question is too long"));

        ChatError error = events.failed.get(10, TimeUnit.SECONDS);
        assertThat(error.code()).isEqualTo(ErrorCodes.QUESTION_TOO_LONG);
        assertThat(error.message()).isEqualTo("Sorry, your question is too long.");
        assertThat(events.journal).containsExactly("error:question_too_long");
        assertThat(retriever.calls).hasValue(0);
    }

    @Test
    void rejectsARequestWithoutAUserMessage() throws Exception {
        run(pipeline(Map.of()), new ChatRequest("r4", null, List.of(Message.assistant("hi")), true));

        assertThat(events.failed.get(10, TimeUnit.SECONDS).code()).isEqualTo(ErrorCodes.BAD_REQUEST);
        assertThat(retriever.calls).hasValue(0);
    }

    @Test
    void generatorFailureAfterTokensSaysTheAnswerWasCutAndWritesAFailedRecordWithThePartialAnswer() throws Exception {
        generator = FakeGenerator.text(ANSWER, 0).failingAfter(2);

        run(pipeline(Map.of()), ask("r5", "When?"));

        ChatError error = events.failed.get(10, TimeUnit.SECONDS);
        assertThat(error.code()).isEqualTo(ErrorCodes.ANSWER_CUT);
        assertThat(error.retryable()).isTrue();
        ChatRecord r = chatLog.record("r5");
        assertThat(r.status()).isEqualTo(ChatRecord.Status.failed);
        assertThat(r.finalAnswer()).isEqualTo(String.join("", FakeGenerator.splitWords(ANSWER).subList(0, 2)));
        assertThat(events.journal).doesNotContain("end");
    }

    @Test
    void retrievalFailureSendsARetryableErrorAndWritesAFailedRecord() throws Exception {
        retriever.failing(new IllegalStateException("index gone"));

        run(pipeline(Map.of()), ask("r6", "When?"));

        ChatError error = events.failed.get(10, TimeUnit.SECONDS);
        assertThat(error.code()).isEqualTo(ErrorCodes.RETRIEVAL_FAILED);
        assertThat(error.retryable()).isTrue();
        assertThat(chatLog.record("r6").status()).isEqualTo(ChatRecord.Status.failed);
        assertThat(generator.streams).hasValue(0);
    }

    @Test
    void aSearchServiceIsSearchedOnAVirtualThreadAndTheEmbeddedIndexOnAWorker() throws Exception {
        retriever.remote(true);
        run(pipeline(Map.of()), ask("v1", "When?"));
        waitFor(() -> chatLog.record("v1") != null);
        assertThat(retriever.lastThread.isVirtual()).as("a remote retriever's thread is virtual").isTrue();

        retriever.remote(false);
        run(pipeline(Map.of()), ask("v2", "When?"));
        waitFor(() -> chatLog.record("v2") != null);
        assertThat(retriever.lastThread.isVirtual()).isFalse();
        assertThat(retriever.lastThread.getName()).startsWith("vert.x-worker-thread");
    }

    @Test
    void aSearchServiceThatStaysBusyGivesSearchUnavailableWithItsRetryAfter() throws Exception {
        retriever.remote(true).failing(new SearchUnavailableException("busy", 429, 30_000, null));

        run(pipeline(Map.of()), ask("v3", "When?"));

        ChatError error = events.failed.get(10, TimeUnit.SECONDS);
        assertThat(error.code()).isEqualTo(ErrorCodes.SEARCH_UNAVAILABLE);
        assertThat(error.retryable()).isTrue();
        assertThat(error.retryAfterMs()).isEqualTo(30_000L);
        assertThat(generator.streams).hasValue(0);
    }

    @Test
    void aChatLogThatCannotBeWrittenMeansNoEnd() throws Exception {
        chatLog.failing(new IllegalStateException("disk full"));

        run(pipeline(Map.of()), ask("r7", "When?"));

        assertThat(events.failed.get(10, TimeUnit.SECONDS).code()).isEqualTo(ErrorCodes.CHATLOG_UNAVAILABLE);
        assertThat(events.journal).doesNotContain("end");
    }

    @Test
    void cancellingMidAnswerStopsTheStreamAndLogsThePartialAnswer() throws Exception {
        generator = FakeGenerator.words(1000, 5);
        ChatHandle handle = run(pipeline(Map.of()), ask("r8", "When?"));
        waitFor(() -> generator.emitted.get() >= 3);

        handle.cancel();

        ChatRecord r = chatLog.await("r8", x -> true, WAIT);
        assertThat(r.status()).isEqualTo(ChatRecord.Status.cancelled);
        assertThat(r.finalAnswer()).startsWith("w0 w1 w2");
        assertThat(r.finalAnswer().length()).isLessThan(generator.fullText().length());
        assertThat(generator.cancels).hasValue(1);
        Thread.sleep(100);
        assertThat(events.journal).doesNotContain("end").noneMatch(e -> e.startsWith("error"));
    }

    @Test
    void cancellingDuringRetrievalLogsACancelledRecordAndNeverGenerates() throws Exception {
        CountDownLatch release = retriever.holding();
        ChatHandle handle = run(pipeline(Map.of()), ask("r9", "When?"));
        waitFor(() -> retriever.calls.get() == 1);

        handle.cancel();
        // cancel() from another thread is queued on the request's context: let it run before
        // retrieval returns, so this test is about a cancel that really came during retrieval
        CompletableFuture<Void> barrier = new CompletableFuture<>();
        ctx.runOnContext(v -> barrier.complete(null));
        barrier.get(10, TimeUnit.SECONDS);
        release.countDown();

        ChatRecord r = chatLog.await("r9", x -> true, WAIT);
        assertThat(r.status()).isEqualTo(ChatRecord.Status.cancelled);
        assertThat(r.agentsSearchResults().getFirst().hits()).hasSize(2);
        assertThat(generator.streams).hasValue(0);
        assertThat(events.journal).containsExactly("start", "upsert:cancelled");
    }

    @Test
    void pausesGenerationWhileTheClientCannotTakeWritesAndResumesOnDrain() throws Exception {
        generator = FakeGenerator.words(50, 0);
        events.full = true;

        run(pipeline(Map.of()), ask("r10", "When?"));
        waitFor(() -> generator.pausedNow);
        Thread.sleep(100);

        assertThat(generator.emitted).hasValue(1);
        assertThat(events.drain).isNotNull();
        events.full = false;
        vertx.runOnContext(v -> events.drain.handle(null));
        EndInfo end = events.ended.get(10, TimeUnit.SECONDS);
        assertThat(end.answer()).isEqualTo(generator.fullText());
        assertThat(generator.resumes).hasValue(1);
    }

    static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within " + WAIT);
            }
            Thread.sleep(5);
        }
    }
}
