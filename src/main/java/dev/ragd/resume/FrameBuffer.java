package dev.ragd.resume;

import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The frames of one answer, kept so that the client reading them (one {@link FramePump} at a time)
 * can be replaced by another that picks up after the last frame it got: the frames a resumed client
 * missed, then the live rest. Bounded: past {@link #MAX_FRAMES} frames or {@link #MAX_CHARS}
 * characters the oldest are dropped, and a reader that needed them is told they are lost.
 *
 * <p>The producer appends on its own context; readers read on theirs; all methods are thread-safe.
 * The producer's back-pressure is the reader's: {@link #readerBehind()} is true while the reader is
 * more than {@link #MAX_LAG} frames behind or its connection is full, and a handler given to
 * {@link #whenCaughtUp} runs (on the producer's context) once it has caught up, is detached or is
 * replaced, so a producer never waits for a reader that went away.
 */
public final class FrameBuffer {

    /** More than any answer of a model capped at a few thousand tokens. */
    public static final int MAX_FRAMES = 8192;
    public static final long MAX_CHARS = 2L << 20;
    /** How far a reader may fall behind before the producer pauses. */
    static final int MAX_LAG = 32;

    private final Context producer;
    /** The frames kept, from index {@link #head} (seq {@link #firstSeq}) on: seqs are contiguous, so a seq is found by index. */
    private final ArrayList<Frame> frames = new ArrayList<>();
    private int head;
    private long chars;
    private long lastSeq;
    private long firstSeq = 1;
    private FramePump reader;
    private Handler<Void> caughtUp;
    private Consumer<Frame> appended = f -> {};
    private Runnable unattended = () -> {};
    private Runnable delivered = () -> {};
    /** What cancels the answer producing the frames (set by {@link ResumableAnswers#cancelWith}). */
    volatile Runnable cancel = () -> {};

    /**
     * @param producer  the context the frames are appended on (where {@link #whenCaughtUp} handlers run)
     * @param afterSeq  the seq before the first frame this buffer will hold (0 for a whole answer)
     */
    public FrameBuffer(Context producer, long afterSeq) {
        this.producer = producer;
        this.lastSeq = afterSeq;
        this.firstSeq = afterSeq + 1;
    }

    /** Called, on the producer's context, with each frame appended (e.g. to mirror it elsewhere). */
    public void onAppend(Consumer<Frame> listener) {
        this.appended = listener;
    }

    /** Called, on the producer's context, when a reader read the last frame (the whole answer was sent). */
    public void onDelivered(Runnable listener) {
        this.delivered = listener;
    }

    /** Called, on the producer's context, when the reader detached before the last frame. */
    public void onUnattended(Runnable listener) {
        this.unattended = listener;
    }

    /** Adds the next frame; its seq must follow the last one. */
    public void append(Frame frame) {
        FramePump wake;
        synchronized (this) {
            if (frame.seq() != lastSeq + 1) {
                throw new IllegalArgumentException("frame " + frame.seq() + " does not follow " + lastSeq);
            }
            frames.add(frame);
            lastSeq = frame.seq();
            chars += frame.size();
            while (kept() > 1 && (kept() > MAX_FRAMES || chars > MAX_CHARS)) {
                Frame dropped = frames.set(head++, null);
                chars -= dropped.size();
                firstSeq = dropped.seq() + 1;
            }
            if (head > MAX_FRAMES) {
                frames.subList(0, head).clear();
                head = 0;
            }
            wake = reader;
        }
        appended.accept(frame);
        if (wake != null) {
            wake.wake();
        }
    }

    /** The seq of the last frame appended (the one before the first, while there is none). */
    public synchronized long lastSeq() {
        return lastSeq;
    }

    /** Whether the answer's last frame ({@code end} or {@code error}) is here. */
    public synchronized boolean ended() {
        return kept() > 0 && frames.getLast().last();
    }

    private int kept() {
        return frames.size() - head;
    }

    /**
     * Up to {@code max} frames after seq {@code after}, in order; empty when there are none yet;
     * {@code null} when some of them were dropped (or came before this buffer's first frame).
     */
    public synchronized List<Frame> after(long after, int max) {
        if (after + 1 < firstSeq) {
            return null;
        }
        int from = head + (int) Math.max(0, after + 1 - firstSeq);
        int to = Math.min(frames.size(), from + max);
        return from >= to ? List.of() : new ArrayList<>(frames.subList(from, to));
    }

    /** Whether the producer should pause: its reader is too far behind, or its connection is full. */
    public synchronized boolean readerBehind() {
        return reader != null && (reader.full() || lastSeq - reader.read() > MAX_LAG);
    }

    /** Runs {@code handler} once on the producer's context when the reader no longer holds it back. */
    public void whenCaughtUp(Handler<Void> handler) {
        boolean now;
        synchronized (this) {
            now = reader == null || !readerBehind();
            if (!now) {
                caughtUp = handler;
            }
        }
        if (now) {
            runOnProducer(handler);
        }
    }

    /** Whether a reader is attached. */
    public synchronized boolean attended() {
        return reader != null;
    }

    /** Makes {@code pump} the reader; the previous one, if any, is told it was replaced. */
    void attach(FramePump pump) {
        FramePump previous;
        synchronized (this) {
            previous = reader;
            reader = pump;
        }
        if (previous != null && previous != pump) {
            previous.replaced();
        }
        release();
    }

    /** {@code pump} stops reading; the producer is released and, before the end, told. */
    void detach(FramePump pump) {
        boolean tell;
        boolean sent;
        synchronized (this) {
            if (reader != pump) {
                return;
            }
            reader = null;
            tell = !ended();
            sent = !tell && pump.read() == lastSeq;
        }
        release();
        if (tell) {
            runOnProducer(v -> unattended.run());
        } else if (sent) {
            runOnProducer(v -> delivered.run());
        }
    }

    /** The reader read everything appended so far. */
    void readerCaughtUp() {
        release();
    }

    private void release() {
        Handler<Void> h;
        synchronized (this) {
            if (caughtUp == null || readerBehind()) {
                return;
            }
            h = caughtUp;
            caughtUp = null;
        }
        runOnProducer(h);
    }

    private void runOnProducer(Handler<Void> h) {
        if (Vertx.currentContext() == producer) {
            h.handle(null);
        } else {
            producer.runOnContext(h);
        }
    }
}
