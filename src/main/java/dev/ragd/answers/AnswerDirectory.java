package dev.ragd.answers;

import dev.ragd.resume.FrameStore;
import io.vertx.core.Future;
import java.util.function.BiConsumer;

/**
 * Which replica is generating which answer, beyond this one: what lets
 * {@code POST /v1/chat/{log_id}/stop} sent to any replica stop an answer another one generates.
 *
 * <p>Contract: thread-safe; never blocks. {@link #started} and {@link #ended} are best effort (an
 * unreachable directory must not slow or fail an answer). {@link #stopElsewhere} completes with
 * {@code true} when the answer is known to run on some replica for {@code caller} (asked by them,
 * or by nobody signed in) and that replica was asked to stop it; with {@code false} when no such
 * answer is known, or the directory cannot be reached.
 */
public interface AnswerDirectory extends AutoCloseable {

    /** No replica but this one: nothing is known elsewhere. */
    AnswerDirectory LOCAL = new AnswerDirectory() {
        @Override
        public void started(String logId, String owner) {}

        @Override
        public void ended(String logId) {}

        @Override
        public Future<Boolean> stopElsewhere(String logId, String caller) {
            return Future.succeededFuture(false);
        }

        @Override
        public void onStop(BiConsumer<String, String> stopHere) {}
    };

    /**
     * Whether {@code caller} (the signed-in user asking, or {@code null}) may stop an answer asked by
     * {@code owner}: an answer asked by a signed-in user is stopped by that user only; one asked by
     * nobody signed in, by anyone who knows its id.
     */
    static boolean mayStop(String owner, String caller) {
        return owner == null || owner.equals(caller);
    }

    /** This replica generates {@code logId}, asked by {@code owner} ({@code null}: nobody signed in). */
    void started(String logId, String owner);

    /** This replica's answer {@code logId} is over. */
    void ended(String logId);

    /** Asks the replica generating {@code logId} to stop it for {@code caller}. */
    Future<Boolean> stopElsewhere(String logId, String caller);

    /** Where a stop asked of another replica for an answer of this one arrives: {@code (logId, caller)}. */
    void onStop(BiConsumer<String, String> stopHere);

    /** Where every replica's answers' frames are kept for resuming ({@link FrameStore#NONE}: this replica only). */
    default FrameStore frames() {
        return FrameStore.NONE;
    }

    @Override
    default void close() {}
}
