package dev.ragd.resume;

import io.vertx.core.Future;
import java.util.List;
import java.util.Optional;

/**
 * Where the frames of the answers every replica generates are kept for a while, so that a client
 * that reconnects to another replica can resume one: the shared half of resuming.
 *
 * <p>Contract: thread-safe; never blocks. {@link #append} is best effort (an unreachable store must
 * not slow or fail an answer); batches of one answer are appended in seq order. {@link #read}
 * returns the batches appended after {@code cursor} in order, with the answer's owner and a cursor
 * to read on from; empty when the store does not know the answer (never kept, or expired); it
 * fails when the store cannot be reached.
 */
public interface FrameStore extends AutoCloseable {

    /** What is read: who asked ({@code null}: nobody signed in), the frames, and where to read on. */
    record Stored(String owner, List<Frame> frames, String cursor) {}

    /** No store: answers are resumed on the replica that generates them only. */
    FrameStore NONE = new FrameStore() {
        @Override
        public Future<Void> append(String logId, String owner, List<Frame> frames, long ttlMs) {
            return Future.succeededFuture();
        }

        @Override
        public Future<Optional<Stored>> read(String logId, String cursor) {
            return Future.succeededFuture(Optional.empty());
        }

        @Override
        public boolean shared() {
            return false;
        }
    };

    /** Appends frames of answer {@code logId}, asked by {@code owner}; the answer is kept {@code ttlMs} from now. */
    Future<Void> append(String logId, String owner, List<Frame> frames, long ttlMs);

    /** The frames of {@code logId} appended after {@code cursor} ({@code null}: from the first). */
    Future<Optional<Stored>> read(String logId, String cursor);

    /** Whether other replicas read this store (false for {@link #NONE}). */
    default boolean shared() {
        return true;
    }

    @Override
    default void close() {}
}
