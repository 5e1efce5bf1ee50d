package dev.ragd.resume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The per-answer buffer and its one reader: order, bounds, back-pressure, replacement. */
class FrameBufferTest {

    final Vertx vertx = Vertx.vertx();

    @AfterEach
    void close() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    /** A reader on its own context whose connection is full while {@link #full} is set. */
    final class Reader implements FramePump.Output {
        final Context context = vertx.getOrCreateContext();
        final List<Frame> got = new CopyOnWriteArrayList<>();
        final AtomicLong lostAfter = new AtomicLong(-1);
        final AtomicBoolean replaced = new AtomicBoolean();
        final AtomicBoolean full = new AtomicBoolean();
        volatile Handler<Void> drain;

        @Override public Context context() { return context; }

        @Override public boolean writeQueueFull() { return full.get(); }

        @Override public void drainHandler(Handler<Void> handler) { drain = handler; }

        @Override public void write(Frame frame) { got.add(frame); }

        @Override public void lost(long afterSeq) { lostAfter.set(afterSeq); }

        @Override public void replaced() { replaced.set(true); }

        void drained() {
            full.set(false);
            Handler<Void> h = drain;
            drain = null;
            context.runOnContext(v -> h.handle(null));
        }
    }

    static Frame token(long seq) {
        return Frame.token(seq, "t" + seq);
    }

    static void until(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 10 s");
            }
            Thread.sleep(5);
        }
    }

    @Test
    void aReaderGetsTheFramesAfterItsSeqThenTheLiveOnesInOrderAndStopsAtTheLast() throws Exception {
        FrameBuffer buffer = new FrameBuffer(vertx.getOrCreateContext(), 0);
        for (long s = 1; s <= 5; s++) {
            buffer.append(token(s));
        }
        Reader r = new Reader();
        FramePump pump = FramePump.start(buffer, r, 2);
        until(() -> r.got.size() == 3);
        buffer.append(token(6));
        buffer.append(Frame.of(7, "end", new JsonObject().put("status", "completed")));
        until(() -> r.got.size() == 5);
        assertThat(r.got).extracting(Frame::seq).containsExactly(3L, 4L, 5L, 6L, 7L);
        assertThat(buffer.attended()).as("the pump let go after the last frame").isFalse();
        assertThat(pump.read()).isEqualTo(7);
    }

    @Test
    void framesMustFollowOneAnother() {
        FrameBuffer buffer = new FrameBuffer(vertx.getOrCreateContext(), 0);
        buffer.append(token(1));
        assertThatThrownBy(() -> buffer.append(token(3))).hasMessageContaining("does not follow 1");
        assertThatThrownBy(() -> Frame.token(0, "x")).hasMessageContaining("seq");
    }

    @Test
    void pastTheBoundTheOldestAreDroppedAndAReaderThatNeededThemIsToldTheyAreLost() throws Exception {
        FrameBuffer buffer = new FrameBuffer(vertx.getOrCreateContext(), 0);
        for (long s = 1; s <= FrameBuffer.MAX_FRAMES + 10; s++) {
            buffer.append(token(s));
        }
        assertThat(buffer.after(5, 10)).as("dropped").isNull();
        assertThat(buffer.after(10, 1)).extracting(Frame::seq).containsExactly(11L);
        Reader r = new Reader();
        FramePump.start(buffer, r, 3);
        until(() -> r.lostAfter.get() == 3);
        assertThat(r.got).isEmpty();
        assertThat(buffer.attended()).isFalse();
    }

    @Test
    void aFullConnectionHoldsTheProducerBackUntilItDrains() throws Exception {
        Context producer = vertx.getOrCreateContext();
        FrameBuffer buffer = new FrameBuffer(producer, 0);
        Reader r = new Reader();
        r.full.set(true);
        FramePump.start(buffer, r, 0);
        long s = 0;
        while (!buffer.readerBehind()) {
            buffer.append(token(++s));
            assertThat(s).isLessThan(1000);
        }
        AtomicInteger released = new AtomicInteger();
        buffer.whenCaughtUp(v -> {
            assertThat(Vertx.currentContext()).isSameAs(producer);
            released.incrementAndGet();
        });
        Thread.sleep(100);
        assertThat(released).as("held while the reader is full").hasValue(0);
        until(() -> r.drain != null);
        r.drained();
        until(() -> released.get() == 1);
        long last = s;
        until(() -> r.got.size() == last);
        assertThat(buffer.readerBehind()).isFalse();
    }

    @Test
    void aReaderThatGoesAwayReleasesTheProducerAndTellsItTheAnswerIsUnattended() throws Exception {
        FrameBuffer buffer = new FrameBuffer(vertx.getOrCreateContext(), 0);
        AtomicInteger unattended = new AtomicInteger();
        buffer.onUnattended(unattended::incrementAndGet);
        Reader r = new Reader();
        r.full.set(true);
        FramePump pump = FramePump.start(buffer, r, 0);
        for (long s = 1; !buffer.readerBehind(); s++) {
            buffer.append(token(s));
        }
        AtomicInteger released = new AtomicInteger();
        buffer.whenCaughtUp(v -> released.incrementAndGet());
        pump.stop();
        until(() -> released.get() == 1 && unattended.get() == 1);
        assertThat(buffer.readerBehind()).isFalse();
    }

    @Test
    void aSecondReaderReplacesTheFirstWhichHearsNoMore() throws Exception {
        FrameBuffer buffer = new FrameBuffer(vertx.getOrCreateContext(), 0);
        buffer.append(token(1));
        Reader first = new Reader();
        FramePump.start(buffer, first, 0);
        until(() -> first.got.size() == 1);
        Reader second = new Reader();
        FramePump.start(buffer, second, 0);
        until(first.replaced::get);
        buffer.append(token(2));
        until(() -> second.got.size() == 2);
        Thread.sleep(50);
        assertThat(first.got).extracting(Frame::seq).containsExactly(1L);
        assertThat(second.got).extracting(Frame::seq).containsExactly(1L, 2L);
    }

    @Test
    void aClientThatHadTheWholeAnswerGetsTheLastFrameAgain() throws Exception {
        FrameBuffer buffer = new FrameBuffer(vertx.getOrCreateContext(), 0);
        buffer.append(token(1));
        buffer.append(Frame.of(2, "end", new JsonObject()));
        Reader r = new Reader();
        FramePump.start(buffer, r, 99);
        until(() -> r.got.size() == 1);
        assertThat(r.got.getFirst().type()).isEqualTo("end");
    }

    @Test
    void framesSurviveTheirStoredForm() {
        Frame t = Frame.token(3, "a \"b\" \u2028");
        Frame e = Frame.of(4, "end", new JsonObject().put("status", "stopped").put("timings", new JsonObject().put("x", 1)));
        assertThat(Frame.fromJson(t.toJson())).isEqualTo(t);
        assertThat(Frame.fromJson(e.toJson())).isEqualTo(e);
        assertThat(t.toClient("q").encode()).isEqualTo("{\"type\":\"token\",\"id\":\"q\",\"seq\":3,\"text\":\"a \\\"b\\\" \u2028\"}");
    }
}
