package dev.ragd.chat;

import dev.ragd.chatlog.SearchResult;
import dev.ragd.llm.Message;
import dev.ragd.observe.Retrieval;
import dev.ragd.observe.RunObserver;
import dev.ragd.observe.TraceHeaders;
import dev.ragd.retrieval.Passage;
import dev.ragd.retrieval.Retrieved;
import dev.ragd.retrieval.Retriever;
import dev.ragd.retrieval.SearchFilter;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The search half of a run: rewrites the question into queries (on a virtual thread, bounded by a
 * guard timeout, falling back to the question), runs each query on a worker thread, and fuses the
 * lists. Completes on the run's context; never fails (see {@link Outcome#failed()}).
 */
final class QuerySearch {

    /**
     * @param queries    the queries searched
     * @param searches   one entry per query that returned, for the chat log
     * @param passages   the fused top K
     * @param similarity best nearest-chunk similarity over the queries, {@code NaN} if none measured
     * @param failed     how many queries failed
     * @param failure    the last query failure, or {@code null}
     */
    record Outcome(List<String> queries, List<SearchResult> searches, List<Passage> passages, double similarity,
            int failed, Throwable failure, long embeddingNanos, String embedder) {

        /** True when every query failed: nothing to answer from. */
        boolean allFailed() {
            return failed == queries.size();
        }

        /** What the observer is told about this search. */
        Retrieval report(long retrievalMs, boolean relevant) {
            return new Retrieval(retrievalMs, queries, passages.size(), similarity, relevant, failed, failure,
                    embeddingNanos / 1e6, embedder);
        }

        /** True when nothing measured says the passages are irrelevant. */
        boolean relevant(double minRelevance) {
            return minRelevance <= 0 || Double.isNaN(similarity) || similarity >= minRelevance;
        }
    }

    private final RunParts shared;
    private final Context context;
    private final RunObserver observer;
    private final long startNanos;
    private final SearchFilter filter;

    /**
     * @param startNanos when the run started, for the observer's times
     * @param filter     what the client narrowed every query's search to
     */
    QuerySearch(RunParts shared, Context context, RunObserver observer, long startNanos, SearchFilter filter) {
        this.shared = shared;
        this.context = context;
        this.observer = observer;
        this.startNanos = startNanos;
        this.filter = filter;
    }

    /** Rewrites (telling the observer how long it took, or why it was abandoned), then searches. */
    Future<Outcome> run(String question, List<Message> history) {
        return rewrite(question, history)
                .andThen(ar -> {
                    if (ar.succeeded()) {
                        observer.rewritten(sinceStartMs(), ar.result() == null ? 0 : ar.result().size());
                    }
                })
                .otherwise(e -> {
                    observer.rewriteFailed(sinceStartMs(), e);
                    return List.of(question);
                })
                .compose(queries -> search(queries == null || queries.isEmpty() ? List.of(question) : queries));
    }

    /**
     * A non-blocking rewriter runs right here. Otherwise the rewrite waits on a model call for up to
     * seconds: a virtual thread, not a worker thread.
     * A guard timer on the context fails it when the rewriter overruns its own timeout.
     */
    private Future<List<String>> rewrite(String question, List<Message> history) {
        if (!shared.parts().rewriter().blocking()) {
            try {
                return Future.succeededFuture(List.copyOf(shared.parts().rewriter().rewrite(question, history)));
            } catch (RuntimeException e) {
                return Future.failedFuture(e);
            }
        }
        Promise<List<String>> promise = Promise.promise();
        long guardMs = shared.rewriteGuardMs();
        long timer = context.owner().setTimer(guardMs, id -> promise.tryFail(
                new TimeoutException("query rewrite took longer than " + guardMs + " ms")));
        promise.future().onComplete(ar -> context.owner().cancelTimer(timer));
        onWaitingThread(() -> List.copyOf(shared.parts().rewriter().rewrite(question, history)))
                .onComplete(ar -> {
                    if (ar.succeeded()) {
                        promise.tryComplete(ar.result());
                    } else {
                        promise.tryFail(ar.cause());
                    }
                });
        return promise.future();
    }

    private Future<Outcome> search(List<String> queries) {
        int topK = shared.settings().topK();
        List<Future<Retrieved>> runs = new ArrayList<>();
        Map<String, String> headers = observer.searchHeaders();
        Retriever retriever = shared.parts().retriever();
        for (String q : queries) {
            Callable<Retrieved> search = () -> {
                try (TraceHeaders.Scope scope = TraceHeaders.use(headers)) {
                    return retriever.search(q, topK, filter);
                }
            };
            // A search service may make a search wait (throttling) for seconds: a virtual thread, so
            // that the shared worker pool stays free for the embedded index's CPU-bound searches.
            runs.add(retriever.remote() ? onWaitingThread(search) : context.executeBlocking(search, false));
        }
        return Future.join(runs).transform(ar -> Future.succeededFuture(outcome(queries, runs, topK)));
    }

    private <T> Future<T> onWaitingThread(Callable<T> task) {
        Promise<T> promise = Promise.promise();
        try {
            shared.waitingExecutor().execute(() -> {
                try {
                    T result = task.call();
                    context.runOnContext(v -> promise.complete(result));
                } catch (Throwable e) {
                    context.runOnContext(v -> promise.fail(e));
                }
            });
        } catch (RuntimeException e) {
            promise.fail(e);
        }
        return promise.future();
    }

    private static Outcome outcome(List<String> queries, List<Future<Retrieved>> runs, int topK) {
        List<List<Passage>> lists = new ArrayList<>();
        List<SearchResult> results = new ArrayList<>();
        double similarity = Double.NaN;
        Throwable failure = null;
        long embedding = 0;
        String embedder = null;
        for (int i = 0; i < runs.size(); i++) {
            Future<Retrieved> run = runs.get(i);
            if (run.failed()) {
                failure = run.cause();
                continue;
            }
            Retrieved r = run.result() == null ? Retrieved.unmeasured(List.of()) : run.result();
            lists.add(r.passages());
            embedding = Math.max(embedding, r.embeddingNanos());
            embedder = r.embedder() != null ? r.embedder() : embedder;
            results.add(new SearchResult(queries.get(i), hits(r.passages())));
            if (r.measured()) {
                similarity = Double.isNaN(similarity) ? r.similarity() : Math.max(similarity, r.similarity());
            }
        }
        List<Passage> fused = lists.isEmpty() ? List.of() : QueryFusion.fuse(lists, topK);
        return new Outcome(List.copyOf(queries), List.copyOf(results), fused, similarity, runs.size() - lists.size(),
                failure, embedding, embedder);
    }

    private long sinceStartMs() {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }

    static List<SearchResult.Hit> hits(List<Passage> ps) {
        return ps.stream().map(p -> new SearchResult.Hit(p.docId(), p.chunkId(), p.title(), p.score())).toList();
    }
}
