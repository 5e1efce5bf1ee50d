package dev.ragd.resume;

import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Copies an answer's frames from a {@link FrameBuffer} to one client connection, on that
 * connection's context and at the pace it reads: the frames after a seq, then each new one, until
 * the answer's last frame. While the connection is full it waits for its drain, so the answer's
 * producer is held back (see {@link FrameBuffer#readerBehind()}) rather than the buffer growing.
 */
public final class FramePump {

    /** How many frames one turn copies before looking at the connection again. */
    private static final int BATCH = 32;

    /** The client side of a pump; called on {@link #context()} only. */
    public interface Output {
        /** The connection's context. */
        Context context();

        /** Whether the connection cannot take more writes now. */
        boolean writeQueueFull();

        /** Calls {@code handler} once when the connection can take writes again. */
        void drainHandler(Handler<Void> handler);

        /** Sends one frame; frames come in seq order, the last one last. */
        void write(Frame frame);

        /** The frames after the last one written are gone (dropped from the buffer): nothing else comes. */
        void lost(long afterSeq);

        /** Another connection resumed the answer and reads it now: nothing else comes here. */
        void replaced();
    }

    private final FrameBuffer buffer;
    private final Output out;
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private volatile long read;
    private volatile boolean full;
    private volatile boolean stopped;
    private boolean pumping;
    private boolean awaitingDrain;

    private FramePump(FrameBuffer buffer, Output out, long after) {
        this.buffer = buffer;
        this.out = out;
        this.read = after;
    }

    /** Starts reading {@code buffer} after seq {@code after} into {@code out}, replacing any earlier reader. */
    public static FramePump start(FrameBuffer buffer, Output out, long after) {
        FramePump pump = new FramePump(buffer, out, clamp(buffer, after));
        buffer.attach(pump);
        pump.wake();
        return pump;
    }

    /**
     * A client cannot have frames that were never sent: after the last one it reads on from there; one
     * that has them all (the answer ended) gets the last frame again, so that its resume ends too.
     */
    static long clamp(FrameBuffer buffer, long after) {
        long last = buffer.lastSeq();
        return buffer.ended() && after >= last ? last - 1 : Math.min(after, last);
    }

    /** The seq of the last frame written. */
    public long read() {
        return read;
    }

    boolean full() {
        return full;
    }

    /** Stops reading (the connection went away); the answer's producer is released. */
    public void stop() {
        if (!stopped) {
            stopped = true;
            buffer.detach(this);
        }
    }

    void replaced() {
        stopped = true;
        onContext(out::replaced);
    }

    /** New frames may be there: copy them, now when on the connection's context, else soon on it. */
    void wake() {
        if (stopped) {
            return;
        }
        if (Vertx.currentContext() == out.context()) {
            pump();
        } else if (scheduled.compareAndSet(false, true)) {
            out.context().runOnContext(v -> {
                scheduled.set(false);
                pump();
            });
        }
    }

    private void pump() {
        if (stopped || pumping) {
            return; // a pump in progress on this thread reads the new frames itself
        }
        pumping = true;
        try {
            while (!stopped) {
                if (out.writeQueueFull()) {
                    full = true;
                    if (!awaitingDrain) {
                        awaitingDrain = true;
                        out.drainHandler(v -> {
                            awaitingDrain = false;
                            full = false;
                            wake();
                        });
                    }
                    return;
                }
                full = false;
                List<Frame> batch = buffer.after(read, BATCH);
                if (batch == null) {
                    stop();
                    out.lost(read);
                    return;
                }
                if (batch.isEmpty()) {
                    buffer.readerCaughtUp();
                    return;
                }
                for (Frame f : batch) {
                    out.write(f);
                    read = f.seq();
                    if (f.last()) {
                        stop();
                        return;
                    }
                }
            }
        } finally {
            pumping = false;
        }
    }

    private void onContext(Runnable r) {
        if (Vertx.currentContext() == out.context()) {
            r.run();
        } else {
            out.context().runOnContext(v -> r.run());
        }
    }
}
