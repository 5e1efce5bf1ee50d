package dev.ragd.chat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ragd.chatlog.ChatRecord;
import dev.ragd.llm.Message;
import dev.ragd.retrieval.Passage;
import dev.ragd.rewrite.NoRewrite;
import dev.ragd.testsupport.FakeGenerator;
import dev.ragd.testsupport.FakeRetriever;
import dev.ragd.testsupport.InMemoryChatLog;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A run whose sink throws (a bug in a wire protocol) still ends: the client is told
 * {@code internal_error} where it still can be, a {@code failed} record is written unless the
 * record was already written, and the replica's generation slot is given back.
 */
class RunRobustnessTest {

    private Vertx vertx;
    private InMemoryChatLog chatLog;
    private RecordingEvents recorded;

    @BeforeEach
    void setUp() {
        vertx = Vertx.vertx();
        recorded = new RecordingEvents();
        chatLog = new InMemoryChatLog(recorded.journal);
    }

    @AfterEach
    void tearDown() {
        vertx.close().await();
    }

    /** {@link #recorded}, except that the event named {@code failing} throws (once). */
    private ChatEvents throwingOn(String failing) {
        return new ChatEvents() {
            private boolean thrown;

            private void maybeThrow(String event) {
                if (event.equals(failing) && !thrown) {
                    thrown = true;
                    throw new IllegalStateException("sink bug in " + event);
                }
            }

            @Override public void onStart(String id) { maybeThrow("start"); recorded.onStart(id); }

            @Override public void onSources(List<Passage> p) { maybeThrow("sources"); recorded.onSources(p); }

            @Override public void onToken(String text) { maybeThrow("token"); recorded.onToken(text); }

            @Override public void onEnd(EndInfo end) { maybeThrow("end"); recorded.onEnd(end); }

            @Override public void onError(ChatError error) { maybeThrow("error"); recorded.onError(error); }

            @Override public boolean writeQueueFull() { return false; }

            @Override public void drainHandler(Handler<Void> handler) {}
        };
    }

    @ParameterizedTest
    @ValueSource(strings = {"start", "sources", "token", "end"})
    void aSinkThatThrowsEndsTheRunWithInternalErrorAndFreesItsSlot(String failing) throws Exception {
        ChatPipeline pipeline = PipelineHarness.pipeline(vertx, Map.of("RAGD_STREAM_COALESCE_MS", "0"),
                new FakeRetriever(), FakeGenerator.text("The library opens at 9 am [1].", 0), chatLog, new NoRewrite());

        PipelineHarness.run(vertx, pipeline, PipelineHarness.ask("x", List.of(), "When does it open?"), throwingOn(failing));

        ChatError error = recorded.failed.get(10, TimeUnit.SECONDS);
        assertThat(error.code()).isEqualTo(ErrorCodes.INTERNAL_ERROR);
        assertThat(error.retryable()).isFalse();
        Predicate<ChatRecord> expected = failing.equals("end")
                ? r -> r.status() == ChatRecord.Status.completed // written before the end failed to go out
                : r -> r.status() == ChatRecord.Status.failed;
        assertThat(chatLog.await("x", expected, Duration.ofSeconds(10))).isNotNull();
        pipeline.awaitIdle().await(10, TimeUnit.SECONDS);
        assertThat(pipeline.activeGenerations()).isZero();
        assertThat(recorded.ended).isNotDone();
    }

    @Test
    void aSinkWhoseErrorHandlerThrowsStillFreesTheSlot() throws Exception {
        ChatPipeline pipeline = PipelineHarness.pipeline(vertx, Map.of(), new FakeRetriever(),
                FakeGenerator.words(3, 0).failingAfter(1), chatLog, new NoRewrite());

        PipelineHarness.run(vertx, pipeline, new ChatRequest("y", null, List.of(Message.user("When?")), true),
                throwingOn("error"));

        assertThat(chatLog.await("y", r -> r.status() == ChatRecord.Status.failed, Duration.ofSeconds(10))).isNotNull();
        pipeline.awaitIdle().await(10, TimeUnit.SECONDS);
        assertThat(pipeline.activeGenerations()).isZero();
    }
}
