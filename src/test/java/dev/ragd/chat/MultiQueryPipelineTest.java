package dev.ragd.chat;

import static dev.ragd.chat.PipelineHarness.ask;
import static dev.ragd.chat.PipelineHarness.rewriter;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ragd.chatlog.ChatRecord;
import dev.ragd.chatlog.SearchResult;
import dev.ragd.llm.Message;
import dev.ragd.retrieval.Passage;
import dev.ragd.rewrite.QueryRewriter;
import dev.ragd.testsupport.FakeGenerator;
import dev.ragd.testsupport.FakeRetriever;
import dev.ragd.testsupport.InMemoryChatLog;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MultiQueryPipelineTest {

    private static final Passage A = new Passage("a", "a#0", "Ember Kettle", "Costs $49.", null, 0.9);
    private static final Passage B = new Passage("b", "b#0", "Cinder Kettle", "Costs $39.", null, 0.8);
    private static final Passage C = new Passage("c", "c#0", "Warranty", "Kettles: 2 years.", null, 0.7);
    private static final List<Message> HISTORY = List.of(Message.user("How much is the Ember Kettle?"),
            Message.assistant("It costs $49 [1]."));

    private Vertx vertx;
    private FakeRetriever retriever;
    private FakeGenerator generator;
    private InMemoryChatLog chatLog;
    private RecordingEvents events;

    @BeforeEach
    void setUp() {
        vertx = Vertx.vertx();
        retriever = new FakeRetriever().answering(Map.of("ember kettle price", List.of(A, B),
                "ember kettle warranty", List.of(C, A)));
        generator = FakeGenerator.text("It has a 2 year warranty [1].", 0);
        events = new RecordingEvents();
        chatLog = new InMemoryChatLog(events.journal);
    }

    @AfterEach
    void tearDown() {
        vertx.close().await();
    }

    private ChatPipeline pipeline(Map<String, String> env, QueryRewriter rewriter) {
        return PipelineHarness.pipeline(vertx, env, retriever, generator, chatLog, rewriter);
    }

    @Test
    void eachRewrittenQueryIsSearchedAndLoggedWithItsOwnHits() throws Exception {
        List<List<Message>> seenHistory = new CopyOnWriteArrayList<>();
        QueryRewriter two = rewriter((q, h) -> {
            seenHistory.add(h);
            return List.of("ember kettle price", "ember kettle warranty");
        });

        PipelineHarness.run(vertx, pipeline(Map.of(), two), ask("m1", HISTORY, "And its warranty?"), events);
        events.ended.get(10, TimeUnit.SECONDS);

        assertThat(seenHistory).containsExactly(HISTORY);
        assertThat(retriever.queries).containsExactlyInAnyOrder("ember kettle price", "ember kettle warranty");
        ChatRecord r = chatLog.record("m1");
        assertThat(r.agentsSearchResults()).extracting(SearchResult::query)
                .containsExactly("ember kettle price", "ember kettle warranty");
        assertThat(r.agentsSearchResults().get(0).hits()).extracting(SearchResult.Hit::chunkId).containsExactly("a#0", "b#0");
        assertThat(r.agentsSearchResults().get(1).hits()).extracting(SearchResult.Hit::chunkId).containsExactly("c#0", "a#0");
        assertThat(r.userQuestion()).isEqualTo("And its warranty?");
    }

    @Test
    void aNonBlockingRewriterRunsOnTheEventLoopABlockingOneOnAVirtualThread() throws Exception {
        List<Thread> ran = new CopyOnWriteArrayList<>();
        QueryRewriter quick = new QueryRewriter() {
            @Override public List<String> rewrite(String q, List<Message> h) { ran.add(Thread.currentThread()); return List.of(q); }
            @Override public boolean blocking() { return false; }
            @Override public String name() { return "quick"; }
        };
        QueryRewriter slow = rewriter((q, h) -> {
            ran.add(Thread.currentThread());
            return List.of(q);
        });

        PipelineHarness.run(vertx, pipeline(Map.of(), quick), ask("t1", HISTORY, "ember kettle price"), events);
        events.ended.get(10, TimeUnit.SECONDS);
        RecordingEvents second = new RecordingEvents();
        PipelineHarness.run(vertx, pipeline(Map.of(), slow), ask("t2", HISTORY, "ember kettle price"), second);
        second.ended.get(10, TimeUnit.SECONDS);

        assertThat(ran).hasSize(2);
        assertThat(ran.get(0).getName()).startsWith("vert.x-eventloop-thread");
        assertThat(ran.get(1).isVirtual()).isTrue();
    }

    @Test
    void theGeneratorsTokenUsageReachesTheEndAndTheRecord() throws Exception {
        PipelineHarness.run(vertx, pipeline(Map.of(), new dev.ragd.rewrite.NoRewrite()), ask("m0", HISTORY, "q?"), events);
        EndInfo end = events.ended.get(10, TimeUnit.SECONDS);

        assertThat(end.timings().promptTokens()).isEqualTo(7); // FakeGenerator reports Usage(7, tokens)
        assertThat(end.timings().completionTokens()).isEqualTo(generator.tokenCount());
        assertThat(end.model()).isEqualTo("fake-words");
        ChatRecord r = chatLog.record("m0");
        assertThat(r.promptTokens()).isEqualTo(7);
        assertThat(r.completionTokens()).isEqualTo(generator.tokenCount());
        assertThat(r.model()).isEqualTo("fake-words");
    }

    @Test
    void resultListsAreFusedByReciprocalRankIntoTopK() throws Exception {
        QueryRewriter two = rewriter((q, h) -> List.of("ember kettle price", "ember kettle warranty"));

        PipelineHarness.run(vertx, pipeline(Map.of("RAGD_TOP_K", "2"), two), ask("m2", HISTORY, "And?"), events);
        EndInfo end = events.ended.get(10, TimeUnit.SECONDS);

        // A is in both lists (ranks 1 and 2) so it wins; C (rank 1 once) beats B (rank 2 once)
        assertThat(generator.lastRequest.passages()).extracting(Passage::chunkId).containsExactly("a#0", "c#0");
        assertThat(end.sources()).extracting(Passage::chunkId).containsExactly("a#0", "c#0");
        assertThat(end.sources().get(0).score()).isEqualTo(1.0 / 61 + 1.0 / 62);
    }

    @Test
    void aFailingRewriterFallsBackToTheQuestionAsAsked() throws Exception {
        QueryRewriter broken = rewriter((q, h) -> {
            throw new IllegalStateException("rewriter bug");
        });

        PipelineHarness.run(vertx, pipeline(Map.of(), broken), ask("m3", HISTORY, "When does it open?"), events);
        events.ended.get(10, TimeUnit.SECONDS);

        assertThat(retriever.queries).containsExactly("When does it open?");
        assertThat(chatLog.record("m3").agentsSearchResults()).extracting(SearchResult::query).containsExactly("When does it open?");
        assertThat(chatLog.record("m3").status()).isEqualTo(ChatRecord.Status.completed);
    }

    @Test
    void aRewriterThatHangsIsAbandonedAfterTheGuardTime() throws Exception {
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        QueryRewriter hanging = rewriter((q, h) -> {
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return List.of("too late");
        });
        ChatPipeline p = pipeline(Map.of(), hanging).withRewriteGuardMs(200);

        PipelineHarness.run(vertx, p, ask("m8", HISTORY, "When does it open?"), events);
        events.ended.get(10, TimeUnit.SECONDS);
        release.countDown();

        assertThat(retriever.queries).containsExactly("When does it open?");
        assertThat(chatLog.record("m8").status()).isEqualTo(ChatRecord.Status.completed);
    }

    @Test
    void oneFailingQueryDoesNotFailTheAnswer() throws Exception {
        FakeRetriever half = new FakeRetriever(List.of(A)).failingFor("broken", new IllegalStateException("hiccup"));
        ChatPipeline p = PipelineHarness.pipeline(vertx, Map.of(), half, generator, chatLog,
                rewriter((q, h) -> List.of("broken", "fine")));

        PipelineHarness.run(vertx, p, ask("m4", HISTORY, "q?"), events);
        events.ended.get(10, TimeUnit.SECONDS);

        assertThat(chatLog.record("m4").agentsSearchResults()).extracting(SearchResult::query).containsExactly("fine");
        assertThat(generator.lastRequest.passages()).containsExactly(A);
    }

    @Test
    void withoutRelevantPassagesTheAnswerSaysSoAndTheModelIsNotCalled() throws Exception {
        retriever.similarities(Map.of("What is the capital of France?", 0.39));
        ChatPipeline p = pipeline(Map.of(), new dev.ragd.rewrite.NoRewrite());

        PipelineHarness.run(vertx, p, ask("m5", List.of(), "What is the capital of France?"), events);
        EndInfo end = events.ended.get(10, TimeUnit.SECONDS);

        assertThat(generator.streams).hasValue(0);
        assertThat(end.answer()).isEqualTo(p.notFoundAnswer()).startsWith("I could not find this in the documents");
        assertThat(end.sources()).isEmpty();
        assertThat(events.sources).isEmpty();
        assertThat(events.journal).containsSubsequence("start", "sources", "token", "upsert:completed", "end");
        ChatRecord r = chatLog.record("m5");
        assertThat(r.status()).isEqualTo(ChatRecord.Status.completed);
        assertThat(r.finalAnswer()).isEqualTo(p.notFoundAnswer());
        assertThat(r.agentsSearchResults()).hasSize(1); // what was searched stays visible in the log
    }

    @Test
    void aFollowUpSearchedAsAskedIsNotJudgedByItsOwnWords() throws Exception {
        retriever.similarities(Map.of("And how much is it?", 0.3));

        PipelineHarness.run(vertx, pipeline(Map.of(), new dev.ragd.rewrite.NoRewrite()),
                ask("m9", HISTORY, "And how much is it?"), events);
        events.ended.get(10, TimeUnit.SECONDS);

        assertThat(generator.streams).hasValue(1);
    }

    @Test
    void aRewrittenFollowUpIsJudged() throws Exception {
        retriever.similarities(Map.of("capital of France", 0.3));

        PipelineHarness.run(vertx, pipeline(Map.of(), rewriter((q, h) -> List.of("capital of France"))),
                ask("m10", HISTORY, "And its capital?"), events);
        events.ended.get(10, TimeUnit.SECONDS);

        assertThat(generator.streams).hasValue(0);
    }

    @Test
    void onePassingQueryIsEnoughAndTheThresholdIsConfigurable() throws Exception {
        retriever.similarities(Map.of("ember kettle price", 0.2, "ember kettle warranty", 0.75));
        QueryRewriter two = rewriter((q, h) -> List.of("ember kettle price", "ember kettle warranty"));

        PipelineHarness.run(vertx, pipeline(Map.of("RAGD_MIN_RELEVANCE", "0.7"), two), ask("m6", HISTORY, "q?"), events);
        events.ended.get(10, TimeUnit.SECONDS);

        assertThat(generator.streams).hasValue(1);
    }

    @Test
    void aThresholdOfZeroAnswersEvenFromDistantPassages() throws Exception {
        retriever.similarities(Map.of("far", 0.01));

        PipelineHarness.run(vertx, pipeline(Map.of("RAGD_MIN_RELEVANCE", "0"), new dev.ragd.rewrite.NoRewrite()),
                ask("m7", List.of(), "far"), events);
        events.ended.get(10, TimeUnit.SECONDS);

        assertThat(generator.streams).hasValue(1);
    }
}
