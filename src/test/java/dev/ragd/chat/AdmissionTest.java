package dev.ragd.chat;

import static dev.ragd.chat.PipelineHarness.ask;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ragd.rewrite.NoRewrite;
import dev.ragd.testsupport.FakeGenerator;
import dev.ragd.testsupport.FakeRetriever;
import dev.ragd.testsupport.InMemoryChatLog;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AdmissionTest {

    private Vertx vertx;
    private FakeGenerator slow;
    private InMemoryChatLog chatLog;
    private ChatPipeline pipeline;

    @BeforeEach
    void setUp() {
        vertx = Vertx.vertx();
        slow = FakeGenerator.words(100_000, 5);
        chatLog = new InMemoryChatLog();
        pipeline = PipelineHarness.pipeline(vertx, Map.of("RAGD_MAX_CONCURRENT_GENERATIONS", "2"),
                new FakeRetriever(), slow, chatLog, new NoRewrite());
    }

    @AfterEach
    void tearDown() {
        vertx.close().await();
    }

    private static void awaitTokens(RecordingEvents e) throws InterruptedException {
        for (int i = 0; i < 1000 && e.answer.isEmpty(); i++) {
            Thread.sleep(10);
        }
        assertThat(e.journal).contains("token");
    }

    @Test
    void overTheCapANewRequestIsRefusedAtOnceAsBusyAndRetryable() throws Exception {
        RecordingEvents first = new RecordingEvents();
        RecordingEvents second = new RecordingEvents();
        RecordingEvents third = new RecordingEvents();
        ChatHandle h1 = PipelineHarness.run(vertx, pipeline, ask("a1", List.of(), "q1"), first);
        ChatHandle h2 = PipelineHarness.run(vertx, pipeline, ask("a2", List.of(), "q2"), second);
        awaitTokens(first);
        awaitTokens(second);

        ChatHandle h3 = PipelineHarness.run(vertx, pipeline, ask("a3", List.of(), "q3"), third);

        assertThat(third.failed).isCompleted(); // before run() returned: no queueing
        ChatError busy = third.failed.get();
        assertThat(busy.code()).isEqualTo(ErrorCodes.BUSY);
        assertThat(busy.retryable()).isTrue();
        assertThat(busy.retryAfterMs()).isEqualTo(1000L);
        assertThat(third.journal).containsExactly("error:busy");
        assertThat(h3).isSameAs(ChatHandle.DONE);
        assertThat(pipeline.activeGenerations()).isEqualTo(2);
        assertThat(pipeline.maxConcurrentGenerations()).isEqualTo(2);
        assertThat(slow.streams).hasValue(2);
        assertThat(chatLog.record("a3")).isNull();
        h1.cancel();
        h2.cancel();
    }

    @Test
    void aFinishedRequestFreesItsSlot() throws Exception {
        RecordingEvents first = new RecordingEvents();
        RecordingEvents second = new RecordingEvents();
        ChatHandle h1 = PipelineHarness.run(vertx, pipeline, ask("b1", List.of(), "q1"), first);
        ChatHandle h2 = PipelineHarness.run(vertx, pipeline, ask("b2", List.of(), "q2"), second);
        awaitTokens(first);

        h1.cancel();
        chatLog.await("b1", r -> true, java.time.Duration.ofSeconds(10));
        for (int i = 0; i < 500 && pipeline.activeGenerations() != 1; i++) {
            Thread.sleep(10);
        }
        RecordingEvents third = new RecordingEvents();
        ChatHandle h3 = PipelineHarness.run(vertx, pipeline, ask("b3", List.of(), "q3"), third);

        assertThat(third.failed).isNotDone();
        awaitTokens(third);
        assertThat(pipeline.activeGenerations()).isEqualTo(2);
        h2.cancel();
        h3.cancel();
        pipeline.awaitIdle().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertThat(pipeline.activeGenerations()).isZero();
    }
}
