package dev.ragd.chat;

import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.util.concurrent.Executor;

/**
 * What every run of one pipeline shares: its settings and parts, the executors for blocking work,
 * and the fixed not-found answer.
 *
 * @param waitingExecutor virtual threads, for work that waits on the network for up to seconds:
 *                       model-call rewrites, searches of a remote search service
 * @param rewriteGuardMs how long a run waits for the rewriter before searching for the question as asked
 */
record RunParts(Vertx vertx, PipelineSettings settings, PipelineParts parts, Executor waitingExecutor,
        WorkerExecutor chatLogExecutor, String notFoundAnswer, long rewriteGuardMs) {

    RunParts withRewriteGuardMs(long ms) {
        return new RunParts(vertx, settings, parts, waitingExecutor, chatLogExecutor, notFoundAnswer, ms);
    }
}
