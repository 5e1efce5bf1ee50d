package dev.ragd.observe;

import java.util.Map;

/**
 * Hears one admitted request, in this order: {@link #rewriteFailed} (only if the rewrite failed),
 * {@link #retrieved}, then either model calls ({@link #modelCall}) and {@link #firstToken}, or
 * nothing more before the end; {@link #cancelled} when the client leaves; {@link #recordWritten};
 * and last {@link #ended}. Every method is called on the request's Vert.x context (its event loop)
 * and must neither block nor throw; times are milliseconds since the request was admitted.
 */
public interface RunObserver extends ModelCalls {

    RunObserver NONE = new RunObserver() {};

    /** The trace this request is part of, if this observer traces it; else {@code null}. */
    default String traceId() {
        return null;
    }

    /**
     * Headers for the calls a search makes (the embedding request), so they join the request's
     * trace; empty when nobody traces. Asked once, when searching starts.
     */
    default Map<String, String> searchHeaders() {
        return Map.of();
    }

    /** Query rewriting failed or timed out; the question is searched as asked. */
    default void rewriteFailed(long durationMs, Throwable cause) {}

    /** Query rewriting finished with {@code queries} (also when nothing was rewritten). */
    default void rewritten(long durationMs, int queries) {}

    default void retrieved(Retrieval retrieval) {}

    @Override
    default ModelCallObserver modelCall(ModelCall call) {
        return ModelCallObserver.NONE;
    }

    default void firstToken(long sinceStartMs) {}

    /** The client's socket is full: generation paused after {@code tokens}. */
    default void backpressure(long sinceStartMs, int tokens) {}

    /** The answer is complete ({@code outcome} {@code completed} or {@code not_found}) or failed ({@code failure}). */
    default void answered(long sinceStartMs, String outcome, int tokens, Throwable failure) {}

    default void cancelled(long sinceStartMs, int tokens, String reason) {}

    default void recordWritten(RecordWritten write) {}

    /** The last event: the client has been told how the request ended. */
    default void ended(RunEnd end) {}
}
