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
import java.util.function.Consumer;
import dev.ragd.ops.StepLog;
import dev.ragd.ops.StepLog.Step;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One request's way through the pipeline. All state is touched only on {@link #context}, so no
 * locking: retrieval and chat-log writes run on worker threads and complete back on the context.
 *
 * <p>Every step that runs as a callback (search done, token, end, write done) is guarded: an
 * exception escaping one (a bug, a sink or generator breaking its contract) would otherwise leave
 * the run unfinished forever, holding its connection's in-flight slot and the replica's generation
 * slot. Instead the run is aborted: logged once at ERROR, a {@code failed} record, the client told
 * {@code internal_error}, and {@link #finished()} completed whatever else throws.
 */
final class ChatRun implements ChatHandle {

    private static final Logger log = LoggerFactory.getLogger(ChatRun.class);

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
    private boolean aborted;
    private boolean loggedFailure;
    private boolean paused;
    private List<Passage> passages = List.of();
    private List<SearchResult> searches = List.of();
    private TokenStream stream;
    private Future<WriteOutcome> recordWrite;
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
        // guarded: the coalescer also writes from its own timer, outside any other guarded step
        this.frames = new TokenCoalescer(pipeline.vertx(), pipeline.config().streamCoalesceMs(), guarded(events::onToken));
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

    /** Starts the run; never throws (a failure aborts the run instead). */
    void start() {
        try {
            steps().step(request.id(), Step.REQUEST_IN, 0).with("history_messages", history.size())
                    .with("question_chars", question.length())
                    .content("question", question).content("user_email", request.userEmail()).log();
            phase = Phase.RETRIEVING;
            events.onStart(request.id());
            new QuerySearch(pipeline, context).run(question, history, e -> steps()
                            .stepWarn(request.id(), Step.RETRIEVAL, elapsedMs()).with("outcome", "rewrite_failed").error(e).log())
                    .onSuccess(guarded(this::retrieved)::accept)
                    .onFailure(this::abort);
        } catch (RuntimeException e) {
            abort(e);
        }
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
            stream.handler(guarded(this::token)::accept).endHandler(guarded(this::generated)::accept)
                    .exceptionHandler(guarded(this::generationFailed)::accept);
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
            events.drainHandler(guarded(v -> {
                if (paused && phase == Phase.GENERATING && !cancelled) {
                    paused = false;
                    stream.resume();
                }
            })::accept);
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
        try {
            frames.discard();
            steps().step(request.id(), Step.CANCELLED, elapsedMs()).with("tokens", tokens)
                    .with("reason", "client went away").log();
            if (phase == Phase.GENERATING) {
                stream.cancel();
                finish(ChatRecord.Status.cancelled, Usage.NONE);
            }
            // RETRIEVING: the record is written when retrieval returns, so it keeps the search results.
        } catch (RuntimeException e) {
            abort(e);
        }
    }

    private void fail(ChatError error) {
        writeRecord(ChatRecord.Status.failed, Usage.NONE).onComplete(ar -> lastStep(() -> {
            if (!cancelled) {
                frames.flush();
                events.onError(error);
            }
        }));
    }

    private void finish(ChatRecord.Status status, Usage usage) {
        writeRecord(status, usage).onComplete(ar -> lastStep(() -> {
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
        }));
    }

    /**
     * Runs the step that tells the client how the request ended, then marks the run finished (after
     * the end frame is handed to the socket, so a drain never closes it before), even if it throws.
     */
    private void lastStep(Runnable tell) {
        try {
            tell.run();
        } catch (RuntimeException e) {
            tellInternalError(e);
            logUnexpected(e);
        } finally {
            finished.tryComplete();
        }
    }

    /** {@code step}, with any exception it throws aborting the run instead of escaping. */
    private <T> Consumer<T> guarded(Consumer<T> step) {
        return value -> {
            try {
                step.accept(value);
            } catch (RuntimeException e) {
                abort(e);
            }
        };
    }

    /**
     * Ends the run after an unexpected exception: logged once at ERROR, the generation stopped, a
     * {@code failed} record with what was answered so far, then {@code internal_error} to the client.
     * If the record is already being written, its completion ends the run as usual.
     */
    private void abort(Throwable e) {
        if (aborted) {
            return; // a follow-on of the failure already being handled
        }
        aborted = true;
        logUnexpected(e);
        frames.discard();
        if (stream != null) {
            try {
                stream.cancel();
            } catch (RuntimeException ignored) {
                // the run is being failed anyway; the first exception is the one logged
            }
        }
        if (recordWrite != null) {
            return;
        }
        try {
            fail(ClientErrors.internal());
        } catch (RuntimeException writeFailed) {
            lastStep(() -> tellInternalError(writeFailed)); // not even a record: still answer and finish
        }
    }

    private void tellInternalError(RuntimeException cause) {
        if (!cancelled) {
            try {
                events.onError(ClientErrors.internal());
            } catch (RuntimeException again) {
                cause.addSuppressed(again);
            }
        }
    }

    private void logUnexpected(Throwable e) {
        if (loggedFailure) {
            return; // once per run: a follow-on failure is not news
        }
        loggedFailure = true;
        log.atError().addKeyValue("request_id", request.id()).addKeyValue("phase", phase.name().toLowerCase(java.util.Locale.ROOT))
                .setCause(e).log("request failed unexpectedly");
    }

    private Future<WriteOutcome> writeRecord(ChatRecord.Status status, Usage usage) {
        phase = Phase.FINISHING;
        Timings t = timings(usage);
        ChatRecord record = new ChatRecord(request.id(), question, timestamp, answer.toString(), request.userEmail(),
                searches, status, pipeline.model(), t.retrievalMs(),
                t.firstTokenMs(), t.totalMs(), t.promptTokens(), t.completionTokens());
        recordWrite = RecordWrite.start(pipeline, record, tokens).andThen(ar -> phase = Phase.DONE);
        return recordWrite;
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
