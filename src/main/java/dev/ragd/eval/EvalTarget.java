package dev.ragd.eval;

import java.util.concurrent.CompletableFuture;

/**
 * What answers the questions of an evaluation: the real chat pipeline, however it is configured.
 *
 * <p>Contract: {@link #ask} does not block; the future completes (never exceptionally) with the
 * answer, or with {@link EvalAnswer#failed} naming the error. Cancelling the future gives the
 * question up: its work stops and nothing is retried. Safe to call from many threads.
 */
public interface EvalTarget extends AutoCloseable {

    CompletableFuture<EvalAnswer> ask(EvalQuestion question);

    /** Releases what the target opened. */
    @Override
    void close();
}
