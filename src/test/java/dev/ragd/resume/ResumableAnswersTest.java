package dev.ragd.resume;

import static dev.ragd.resume.FrameBufferTest.until;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The registry of answers kept for a resume on this replica: an answer whose reader went away is
 * cancelled once the window passes and then forgotten (it sends no last frame, so nothing else would
 * free its buffer), whether it had started or was still waiting to; one still read is kept.
 */
class ResumableAnswersTest {

    final Vertx vertx = Vertx.vertx();

    @AfterEach
    void close() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    FramePump.Output reader(Context context) {
        return new FramePump.Output() {
            @Override public Context context() { return context; }
            @Override public boolean writeQueueFull() { return false; }
            @Override public void drainHandler(Handler<Void> handler) {}
            @Override public void write(Frame frame) {}
            @Override public void lost(long afterSeq) {}
            @Override public void replaced() {}
        };
    }

    @Test
    void anAnswerNobodyCameBackForIsCancelledAndForgottenStartedOrNot() throws Exception {
        ResumableAnswers answers = new ResumableAnswers(vertx, 200, FrameStore.NONE);
        Context producer = vertx.getOrCreateContext();
        AtomicInteger cancels = new AtomicInteger();
        FrameBuffer started = answers.open("started", null, producer);
        FrameBuffer waiting = answers.open("waiting", null, producer); // e.g. its conversation still being read
        answers.cancelWith(started, cancels::incrementAndGet);
        answers.cancelWith(waiting, cancels::incrementAndGet);
        FramePump first = FramePump.start(started, reader(vertx.getOrCreateContext()), 0);
        FramePump second = FramePump.start(waiting, reader(vertx.getOrCreateContext()), 0);
        producer.runOnContext(v -> started.append(Frame.of(1, "start", new JsonObject().put("log_id", "started"))));
        until(() -> started.lastSeq() == 1);
        assertThat(answers.kept()).isEqualTo(2);

        first.stop();
        second.stop();

        until(() -> cancels.get() == 2 && answers.kept() == 0);
        assertThat(answers.holds("started")).isFalse();
    }

    @Test
    void anAnswerStillReadIsNeitherCancelledNorForgotten() throws Exception {
        ResumableAnswers answers = new ResumableAnswers(vertx, 100, FrameStore.NONE);
        Context producer = vertx.getOrCreateContext();
        AtomicInteger cancels = new AtomicInteger();
        FrameBuffer read = answers.open("read", null, producer);
        answers.cancelWith(read, cancels::incrementAndGet);
        FramePump.start(read, reader(vertx.getOrCreateContext()), 0);
        producer.runOnContext(v -> read.append(Frame.of(1, "start", new JsonObject().put("log_id", "read"))));

        Thread.sleep(400); // several windows

        assertThat(cancels).hasValue(0);
        assertThat(answers.holds("read")).isTrue();
    }

    @Test
    void anAnswerSentToItsEndIsForgottenAtOnceAndOneEndedUnreadIsKeptForTheWindow() throws Exception {
        ResumableAnswers answers = new ResumableAnswers(vertx, 60_000, FrameStore.NONE);
        Context producer = vertx.getOrCreateContext();
        FrameBuffer sent = answers.open("sent", null, producer);
        FrameBuffer unread = answers.open("unread", null, producer);
        FramePump.start(sent, reader(vertx.getOrCreateContext()), 0);
        FramePump.start(unread, reader(vertx.getOrCreateContext()), 0).stop(); // its client went away
        producer.runOnContext(v -> {
            for (FrameBuffer b : java.util.List.of(sent, unread)) {
                b.append(Frame.of(1, "start", new JsonObject()));
                b.append(Frame.of(2, "end", new JsonObject().put("status", "completed")));
            }
        });

        until(() -> !answers.holds("sent"));
        assertThat(answers.holds("unread")).as("its client may come back for the end it missed").isTrue();
    }
}
