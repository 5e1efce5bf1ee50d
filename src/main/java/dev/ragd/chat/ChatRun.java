package dev.ragd.chat;

import dev.ragd.chatlog.ChatRecord;
import dev.ragd.chatlog.SearchResult;
import dev.ragd.chatlog.WriteOutcome;
import dev.ragd.llm.GenerationRequest;
import dev.ragd.llm.Message;
import dev.ragd.llm.TokenStream;
import dev.ragd.llm.Usage;
import dev.ragd.retrieval.Passage;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import dev.ragd.ops.StepLog;
import dev.ragd.ops.StepLog.Step;

/**
 * One request's way through the pipeline. All state is touched only on {@link #context}, so no
 * locking: retrieval and chat-log writes run on worker threads and complete back on the context.
 */
final class ChatRun implements ChatHandle {

    private enum Phase { NEW, RETRIEVING, GENERATING, FINISHING, DONE }

    private final ChatPipeline pipeline;
    private final Context context;
    private final ChatRequest request;
    private final String question;
    private final List<Message> history;
    private final ChatEvents events;
    private final long startNanos = System.nanoTime();
    private final Instant timestamp = Instant.now();
    private final StringBuilder answer = new StringBuilder();
    private final Promise<Void> finished = Promise.promise();
    private final TokenCoalescer frames;

    private Phase phase = Phase.NEW;
    private boolean cancelled;
    private boolean paused;
    private List<Passage> passages = List.of();
    private List<SearchResult> searches = List.of();
    private TokenStream stream;
    private int tokens;
    private long retrievalMs;
    private long firstTokenMs;

    ChatRun(ChatPipeline pipeline, Context context, ChatRequest request, String question, List<Message> history,
            ChatEvents events) {
        this.pipeline = pipeline;
        this.context = context;
        this.request = request;
        this.question = question;
        this.history = history;
        this.events = events;
        this.frames = new TokenCoalescer(pipeline.vertx(), pipeline.config().streamCoalesceMs(), events::onToken);
    }

    /** Completes when the request is over and its record written (or the write failed). */
    Future<Void> finished() {
        return finished.future();
    }

    void rejectTooLong() {
        steps().step(request.id(), Step.REJECTED, elapsedMs()).with("reason", ErrorCodes.QUESTION_TOO_LONG)
                .with("question_chars", question.length()).log();
        phase = Phase.DONE;
        events.onError(ChatError.of(ErrorCodes.QUESTION_TOO_LONG, ErrorCodes.TOO_LONG_MESSAGE, false));
    }

    void rejectBusy(int active, int max) {
        steps().step(request.id(), Step.REJECTED, elapsedMs()).with("reason", ErrorCodes.BUSY)
                .with("active", active).with("max", max).log();
        phase = Phase.DONE;
        events.onError(ClientErrors.busy(null));
    }

    void start() {
        steps().step(request.id(), Step.REQUEST_IN, 0).with("history_messages", history.size())
                .with("question_chars", question.length())
                .content("question", question).content("user_email", request.userEmail()).log();
        phase = Phase.RETRIEVING;
        events.onStart(request.id());
        new QuerySearch(pipeline, context).run(question, history, e -> steps()
                        .stepWarn(request.id(), Step.RETRIEVAL, elapsedMs()).with("outcome", "rewrite_failed").error(e).log())
                .onSuccess(this::retrieved);
    }

    private void retrieved(QuerySearch.Outcome found) {
        retrievalMs = elapsedMs();
        searches = found.searches();
        if (found.allFailed()) {
            steps().stepWarn(request.id(), Step.RETRIEVAL, retrievalMs).with("outcome", "failed")
                    .with("queries", found.queries().size()).error(found.failure()).log();
            fail(ChatError.of(ErrorCodes.RETRIEVAL_FAILED, "Searching the documents failed; please try again.", true));
            return;
        }
        passages = found.passages();
        // A follow-up searched as asked ("and how much is it?") is not a standalone query: its
        // similarity says nothing, so only standalone queries are judged.
        boolean standalone = history.isEmpty() || !found.queries().equals(List.of(question));
        boolean relevant = !standalone || found.relevant(pipeline.config().llm().minRelevance());
        StepLog.Line line = found.failure() == null ? steps().step(request.id(), Step.RETRIEVAL, retrievalMs)
                : steps().stepWarn(request.id(), Step.RETRIEVAL, retrievalMs).with("failed_queries", found.failed())
                        .error(found.failure());
        if (!Double.isNaN(found.similarity())) {
            line.with("similarity", Math.round(found.similarity() * 1000) / 1000.0);
        }
        line.with("passages", passages.size()).with("queries", found.queries().size()).with("relevant", relevant)
                .content("search_queries", found.queries()).log();
        if (cancelled) {
            finish(ChatRecord.Status.cancelled, Usage.NONE);
            return;
        }
        if (!relevant) {
            answerNotFound();
            return;
        }
        phase = Phase.GENERATING;
        events.onSources(passages);
        try {
            stream = pipeline.generator().stream(new GenerationRequest(question, history, passages), context);
            stream.handler(this::token).endHandler(this::generated).exceptionHandler(this::generationFailed);
            stream.start();
        } catch (RuntimeException e) {
            generationFailed(e);
        }
    }

    /** Nothing relevant was found: an honest fixed answer, no sources, no model call. */
    private void answerNotFound() {
        passages = List.of();
        events.onSources(passages);
        String text = pipeline.notFoundAnswer();
        answer.append(text);
        tokens = 1;
        firstTokenMs = elapsedMs();
        events.onToken(text);
        steps().step(request.id(), Step.ANSWER_DONE, elapsedMs()).with("outcome", "not_found").log();
        finish(ChatRecord.Status.completed, Usage.NONE);
    }

    private void token(String text) {
        if (phase != Phase.GENERATING || cancelled) {
            return;
        }
        if (tokens++ == 0) {
            firstTokenMs = elapsedMs();
            steps().step(request.id(), Step.FIRST_TOKEN, firstTokenMs).log();
        }
        answer.append(text);
        frames.offer(text);
        if (!paused && events.writeQueueFull()) {
            paused = true;
            stream.pause();
            steps().stepDebug(request.id(), Step.BACKPRESSURE, elapsedMs()).with("tokens", tokens).log();
            events.drainHandler(v -> {
                if (paused && phase == Phase.GENERATING && !cancelled) {
                    paused = false;
                    stream.resume();
                }
            });
        }
    }

    private void generated(Usage usage) {
        if (phase != Phase.GENERATING || cancelled) {
            return;
        }
        steps().step(request.id(), Step.ANSWER_DONE, elapsedMs()).with("tokens", tokens).log();
        finish(ChatRecord.Status.completed, usage == null ? Usage.NONE : usage);
    }

    private void generationFailed(Throwable error) {
        if (phase != Phase.GENERATING || cancelled) {
            return;
        }
        steps().stepWarn(request.id(), Step.ANSWER_DONE, elapsedMs()).with("outcome", "failed")
                .with("tokens", tokens).error(error).log();
        fail(ClientErrors.toChatError(error, tokens > 0));
    }

    @Override
    public void cancel() {
        if (Vertx.currentContext() != context) {
            context.runOnContext(v -> cancel());
            return;
        }
        if (cancelled || phase == Phase.FINISHING || phase == Phase.DONE) {
            return;
        }
        cancelled = true;
        frames.discard();
        steps().step(request.id(), Step.CANCELLED, elapsedMs()).with("tokens", tokens)
                .with("reason", "client went away").log();
        if (phase == Phase.GENERATING) {
            stream.cancel();
            finish(ChatRecord.Status.cancelled, Usage.NONE);
        }
        // RETRIEVING: the record is written when retrieval returns, so it keeps the search results.
    }

    private void fail(ChatError error) {
        writeRecord(ChatRecord.Status.failed, Usage.NONE).onComplete(ar -> {
            if (!cancelled) {
                frames.flush();
                events.onError(error);
            }
            finished.tryComplete();
        });
    }

    private void finish(ChatRecord.Status status, Usage usage) {
        writeRecord(status, usage).onComplete(ar -> {
            if (!cancelled) {
                frames.flush();
                if (ar.failed()) {
                    events.onError(ChatError.of(ErrorCodes.CHATLOG_UNAVAILABLE,
                            "The answer could not be saved to the chat log; please try again.", true));
                } else {
                    events.onEnd(new EndInfo(request.id(), answer.toString(), passages, timings(usage),
                            pipeline.model(), pipeline.languageModel(), pipeline.retrieverName(),
                            ar.result() == WriteOutcome.QUEUED ? "queued" : "stored"));
                }
            }
            // after the end frame is handed to the socket, so a drain never closes it before
            finished.tryComplete();
        });
    }

    private Future<WriteOutcome> writeRecord(ChatRecord.Status status, Usage usage) {
        phase = Phase.FINISHING;
        Timings t = timings(usage);
        ChatRecord record = new ChatRecord(request.id(), question, timestamp, answer.toString(), request.userEmail(),
                searches, status, pipeline.model(), t.retrievalMs(),
                t.firstTokenMs(), t.totalMs(), t.promptTokens(), t.completionTokens());
        long writeStart = System.nanoTime();
        Future<WriteOutcome> write = pipeline.chatLogExecutor().executeBlocking(() -> {
            WriteOutcome outcome = pipeline.chatLog().write(record);
            if (outcome == WriteOutcome.REJECTED) {
                throw new IllegalStateException("chat-log queue full: record not kept");
            }
            return outcome;
        }, false);
        return write.andThen(ar -> {
            phase = Phase.DONE;
            long writeMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - writeStart);
            StepLog.Line line = ar.failed()
                    ? steps().stepWarn(request.id(), Step.CHATLOG_WRITE, writeMs).with("outcome", "failed").error(ar.cause())
                    : steps().step(request.id(), Step.CHATLOG_WRITE, writeMs);
            line.with("status", status.name()).with("total_ms", t.totalMs()).with("tokens", tokens);
            if (ar.succeeded()) {
                line.with("logged", ar.result().name().toLowerCase(java.util.Locale.ROOT));
            }
            line.log();
        });
    }

    private Timings timings(Usage usage) {
        int completion = usage.completionTokens() > 0 ? usage.completionTokens() : tokens;
        return new Timings(retrievalMs, firstTokenMs, elapsedMs(), usage.promptTokens(), completion);
    }

    private long elapsedMs() {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }

    private StepLog steps() {
        return pipeline.steps();
    }
}
