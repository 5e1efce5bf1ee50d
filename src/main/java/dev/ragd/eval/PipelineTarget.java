package dev.ragd.eval;

import dev.ragd.chat.ChatError;
import dev.ragd.chat.ChatEvents;
import dev.ragd.chat.ChatHandle;
import dev.ragd.chat.ChatPipeline;
import dev.ragd.chat.ChatRequest;
import dev.ragd.chat.EndInfo;
import dev.ragd.llm.Message;
import dev.ragd.retrieval.Passage;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Asks an in-process {@link ChatPipeline}, exactly as a client connection does (each question on
 * its own Vert.x context, history and question as the request's messages). A retryable error (a
 * {@code busy} refusal at the replica's cap of generations, an open circuit) is retried after the
 * delay it names, a bounded number of times, so a passing hiccup does not score as wrong answers.
 */
public final class PipelineTarget implements EvalTarget {

    static final int BUSY_RETRIES = 20;
    /** Other retryable errors (an open circuit, a rate limit) are retried this often after ragd's own retries. */
    static final int RETRIES = 3;
    static final long MAX_DELAY_MS = 30_000;

    private final Vertx vertx;
    private final ChatPipeline pipeline;
    private final AutoCloseable resources;

    /** @param resources closed by {@link #close()} (what opened the pipeline) */
    public PipelineTarget(Vertx vertx, ChatPipeline pipeline, AutoCloseable resources) {
        this.vertx = vertx;
        this.pipeline = pipeline;
        this.resources = resources;
    }

    @Override
    public CompletableFuture<EvalAnswer> ask(EvalQuestion question) {
        CompletableFuture<EvalAnswer> result = new CompletableFuture<>();
        List<Message> messages = new ArrayList<>(question.history());
        messages.add(Message.user(question.question()));
        ChatRequest request = new ChatRequest("eval-" + question.id(), null, messages, false);
        AtomicReference<Runnable> cancel = new AtomicReference<>(() -> { });
        // A question given up on (its time ran out) must not keep a generation slot or come back later.
        result.whenComplete((a, e) -> {
            if (result.isCancelled()) {
                cancel.get().run();
            }
        });
        attempt(request, result, cancel, 0, 0);
        return result;
    }

    private void attempt(ChatRequest request, CompletableFuture<EvalAnswer> result, AtomicReference<Runnable> cancel,
            int busyTries, int otherTries) {
        if (result.isDone()) {
            return;
        }
        Context context = vertx.getOrCreateContext();
        context.runOnContext(v -> {
            if (result.isDone()) {
                return;
            }
            try {
                ChatHandle handle = pipeline.run(request, new Collector(error -> {
                    boolean busy = "busy".equals(error.code());
                    if (error.retryable() && (busy ? busyTries < BUSY_RETRIES : otherTries < RETRIES)) {
                        long named = error.retryAfterMs() == null ? (busy ? 100 : 1000) : error.retryAfterMs();
                        // jittered, so questions refused together do not all come back together
                        long delay = named + ThreadLocalRandom.current().nextLong(named / 2 + 1);
                        vertx.setTimer(Math.max(1, Math.min(MAX_DELAY_MS, delay)), t -> attempt(request, result, cancel,
                                busy ? busyTries + 1 : busyTries, busy ? otherTries : otherTries + 1));
                        return true;
                    }
                    return false;
                }, result));
                cancel.set(() -> context.runOnContext(c -> handle.cancel()));
                if (result.isCancelled()) {
                    handle.cancel();
                }
            } catch (RuntimeException e) {
                result.complete(EvalAnswer.failed("internal_error", String.valueOf(e.getMessage())));
            }
        });
    }

    @Override
    public void close() {
        try {
            resources.close();
        } catch (Exception e) {
            throw new IllegalStateException("could not close the pipeline: " + e.getMessage(), e);
        }
    }

    /** Decides whether an error is retried (true: it was, do not complete). */
    private interface Retry {
        boolean retried(ChatError error);
    }

    /** Collects one run's events; the run's context calls it, one event at a time. */
    private static final class Collector implements ChatEvents {
        private final Retry retry;
        private final CompletableFuture<EvalAnswer> result;
        private List<Passage> sources = List.of();

        Collector(Retry retry, CompletableFuture<EvalAnswer> result) {
            this.retry = retry;
            this.result = result;
        }

        @Override
        public void onStart(String logId) {}

        @Override
        public void onSources(List<Passage> passages) {
            sources = passages;
        }

        @Override
        public void onToken(String text) {}

        @Override
        public void onEnd(EndInfo end) {
            result.complete(new EvalAnswer(end.answer(), end.sources().isEmpty() ? sources : end.sources(), end.timings(),
                    end.model(), end.retriever(), null, null));
        }

        @Override
        public void onError(ChatError error) {
            if (!retry.retried(error)) {
                result.complete(EvalAnswer.failed(error.code(), error.message()));
            }
        }

        @Override
        public boolean writeQueueFull() {
            return false;
        }

        @Override
        public void drainHandler(Handler<Void> handler) {}
    }
}
