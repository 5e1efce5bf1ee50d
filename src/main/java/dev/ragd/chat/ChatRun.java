package dev.ragd.chat;

import dev.ragd.chatlog.ChatRecord;
import dev.ragd.chatlog.SearchResult;
import dev.ragd.chatlog.WriteOutcome;
import dev.ragd.llm.GenerationRequest;
import dev.ragd.llm.Message;
import dev.ragd.llm.TokenStream;
import dev.ragd.llm.Usage;
import dev.ragd.retrieval.Passage;
import dev.ragd.retrieval.SearchUnavailableException;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import dev.ragd.observe.RunEnd;
import dev.ragd.observe.RunObserver;

/**
 * One request's way through the pipeline. All state is touched only on {@link #context}, so no
 * locking: retrieval and chat-log writes run on worker threads and complete back on the context.
 *
 * <p>Every step that runs as a callback (search done, token, end, write done) is guarded
 * ({@link RunGuard}): after an unexpected exception the run is aborted with a {@code failed}
 * record and {@code internal_error}, and {@link #finished()} completes whatever else throws.
 */
final class ChatRun implements ChatHandle {

    private enum Phase { NEW, RETRIEVING, GENERATING, FINISHING, DONE }

    private final RunParts shared;
    private final Context context;
    private final ChatRequest request;
    /** The id of this request's chat-log record, made by the server (see {@link ChatRecord#id()}). */
    private final String logId;
    private final RunObserver observer;
    private final RunGuard guard;
    private final String question;
    private final List<Message> history;
    private final ChatEvents events;
    private final long startNanos = System.nanoTime();
    private final Instant timestamp = Instant.now();
    private final StringBuilder answer = new StringBuilder();
    private final Promise<Void> finished = Promise.promise();
    /** Completed once the record is being written (or the client is told the end): from then on it cannot be stopped. */
    private final Promise<Void> ending = Promise.promise();
    private final TokenCoalescer frames;

    private Phase phase = Phase.NEW;
    private boolean cancelled;
    private boolean stopped;
    private boolean paused;
    private List<Passage> passages = List.of();
    private List<SearchResult> searches = List.of();
    private TokenStream stream;
    private Future<WriteOutcome> recordWrite;
    private int tokens;
    private long retrievalMs;
    private long firstTokenMs;
    private boolean notFound;
    private Usage lastUsage = Usage.NONE;

    private String errorCode;
    /** The trace id the caller sent, kept in the record when no observer traces the request. */
    private final String callerTraceId;

    ChatRun(RunParts shared, Context context, ChatRequest request, String logId, String question,
            List<Message> history, ChatEvents events, RunObserver observer, String callerTraceId) {
        this.callerTraceId = callerTraceId;
        this.shared = shared;
        this.context = context;
        this.request = request;
        this.logId = logId;
        this.observer = observer;
        this.guard = new RunGuard(logId, request.id(), this::abort);
        this.question = question;
        this.history = history;
        this.events = events;
        // guarded: the coalescer also writes from its own timer, outside any other guarded step
        this.frames = new TokenCoalescer(shared.vertx(), shared.settings().streamCoalesceMs(),
                guard.guarded(events::onToken));
    }

    /** Completes when the request is over and its record written (or the write failed). */
    Future<Void> finished() {
        return finished.future();
    }

    /** Completes just before the client is told the end (the end frame may reach it before {@link #finished()}). */
    Future<Void> ending() {
        return ending.future();
    }

    /** Starts the run; never throws (a failure aborts the run instead). */
    void start() {
        try {
            phase = Phase.RETRIEVING;
            events.onStart(logId, request.conversationId());
            new QuerySearch(shared, context, observer, startNanos, request.filter()).run(question, history)
                    .onSuccess(guard.guarded(this::retrieved)::accept)
                    .onFailure(guard::trip);
        } catch (RuntimeException e) {
            guard.trip(e);
        }
    }

    private void retrieved(QuerySearch.Outcome found) {
        retrievalMs = elapsedMs();
        searches = found.searches();
        if (found.allFailed()) {
            observer.retrieved(found.report(retrievalMs, false));
            fail(found.failure() instanceof SearchUnavailableException busy
                    ? new ChatError(ErrorCodes.SEARCH_UNAVAILABLE, "The search service is busy; please try again shortly.",
                            true, Math.max(1, busy.retryAfterMs()))
                    : ChatError.of(ErrorCodes.RETRIEVAL_FAILED, "Searching the documents failed; please try again.", true));
            return;
        }
        passages = found.passages();
        // A follow-up searched as asked ("and how much is it?") is not a standalone query: its
        // similarity says nothing, so only standalone queries are judged.
        boolean standalone = history.isEmpty() || !found.queries().equals(List.of(question));
        boolean relevant = !standalone || found.relevant(shared.settings().minRelevance());
        observer.retrieved(found.report(retrievalMs, relevant));
        if (cancelled || stopped) {
            finish(cancelled ? ChatRecord.Status.cancelled : ChatRecord.Status.stopped, Usage.NONE);
            return;
        }
        if (!relevant) {
            answerNotFound();
            return;
        }
        phase = Phase.GENERATING;
        events.onSources(passages);
        try {
            stream = shared.parts().generator().stream(new GenerationRequest(question, history, passages, observer),
                    context);
            stream.handler(guard.guarded(this::token)::accept).endHandler(guard.guarded(this::generated)::accept)
                    .exceptionHandler(guard.guarded(this::generationFailed)::accept);
            stream.start();
        } catch (RuntimeException e) {
            generationFailed(e);
        }
    }

    /** Nothing relevant was found: an honest fixed answer, no sources, no model call. */
    private void answerNotFound() {
        passages = List.of();
        events.onSources(passages);
        String text = shared.notFoundAnswer();
        answer.append(text);
        tokens = 1;
        firstTokenMs = elapsedMs();
        events.onToken(text);
        notFound = true;
        observer.answered(elapsedMs(), "not_found", tokens, null);
        finish(ChatRecord.Status.completed, Usage.NONE);
    }

    private void token(String text) {
        if (phase != Phase.GENERATING || cancelled) {
            return;
        }
        if (tokens++ == 0) {
            firstTokenMs = elapsedMs();
            observer.firstToken(firstTokenMs);
        }
        answer.append(text);
        frames.offer(text);
        if (!paused && events.writeQueueFull()) {
            paused = true;
            stream.pause();
            observer.backpressure(elapsedMs(), tokens);
            events.drainHandler(guard.guarded(v -> {
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
        observer.answered(elapsedMs(), "completed", tokens, null);
        finish(ChatRecord.Status.completed, usage == null ? Usage.NONE : usage);
    }

    private void generationFailed(Throwable error) {
        if (phase != Phase.GENERATING || cancelled) {
            return;
        }
        observer.answered(elapsedMs(), "failed", tokens, error);
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
            observer.cancelled(elapsedMs(), tokens, "client went away");
            if (phase == Phase.GENERATING) {
                stream.cancel();
                finish(ChatRecord.Status.cancelled, Usage.NONE);
            }
            // RETRIEVING: the record is written when retrieval returns, so it keeps the search results.
        } catch (RuntimeException e) {
            guard.trip(e);
        }
    }

    @Override
    public void stop() {
        if (Vertx.currentContext() != context) {
            context.runOnContext(v -> stop());
            return;
        }
        if (cancelled || stopped || phase == Phase.FINISHING || phase == Phase.DONE) {
            return;
        }
        stopped = true;
        try {
            if (phase == Phase.GENERATING) {
                stream.cancel();
                observer.answered(elapsedMs(), "stopped", tokens, null);
                finish(ChatRecord.Status.stopped, Usage.NONE); // flushes the coalesced tokens first
            }
            // NEW, RETRIEVING: retrieved() ends it when the search returns, so the record keeps the results.
        } catch (RuntimeException e) {
            guard.trip(e);
        }
    }

    private void fail(ChatError error) {
        errorCode = error.code();
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
                    errorCode = ErrorCodes.CHATLOG_UNAVAILABLE;
                    events.onError(ChatError.of(ErrorCodes.CHATLOG_UNAVAILABLE,
                            "The answer could not be saved to the chat log; please try again.", true));
                } else {
                    events.onEnd(new EndInfo(logId, answer.toString(), passages, timings(usage),
                            shared.parts().generator().model(), shared.parts().generator().isLanguageModel(),
                            shared.parts().retriever().name(),
                            ar.result() == WriteOutcome.QUEUED ? "queued" : "stored", status.name(),
                            request.conversationId()));
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
            ending.tryComplete();
            tell.run();
        } catch (RuntimeException e) {
            tellInternalError(e);
            guard.logOnce(e, phaseName());
        } finally {
            try {
                observer.ended(end());
            } finally {
                finished.tryComplete();
            }
        }
    }

    /** How the run ended, for the observer: told once, after the client was told. */
    private RunEnd end() {
        String outcome = cancelled ? "cancelled" : errorCode != null ? "failed" : notFound ? "not_found"
                : stopped ? "stopped" : "completed";
        Timings t = timings(lastUsage);
        return new RunEnd(outcome, cancelled ? null : errorCode, tokens, t.promptTokens(), t.completionTokens(),
                t.retrievalMs(), t.firstTokenMs(), t.totalMs());
    }

    /**
     * Ends the run after an unexpected exception: logged once at ERROR, the generation stopped, a
     * {@code failed} record with what was answered so far, then {@code internal_error} to the client.
     * If the record is already being written, its completion ends the run as usual.
     */
    private void abort(Throwable e) {
        guard.logOnce(e, phaseName());
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
        errorCode = ErrorCodes.INTERNAL_ERROR;
        if (!cancelled) {
            try {
                events.onError(ClientErrors.internal());
            } catch (RuntimeException again) {
                cause.addSuppressed(again);
            }
        }
    }

    private String phaseName() {
        return phase.name().toLowerCase(java.util.Locale.ROOT);
    }

    private Future<WriteOutcome> writeRecord(ChatRecord.Status status, Usage usage) {
        phase = Phase.FINISHING;
        ending.tryComplete(); // from here a stop would change nothing: the answer is what it is
        lastUsage = usage;
        Timings t = timings(usage);
        ChatRecord record = new ChatRecord(logId, request.id(), question, timestamp, answer.toString(),
                request.userEmail(), searches, status, shared.parts().generator().model(), t.retrievalMs(),
                t.firstTokenMs(), t.totalMs(), t.promptTokens(), t.completionTokens(),
                observer.traceId() != null ? observer.traceId() : callerTraceId).withConversation(request.conversationId());
        recordWrite = RecordWrite.start(shared, observer, record, tokens).andThen(ar -> phase = Phase.DONE);
        return recordWrite;
    }

    /**
     * The model tokens this run spent, as the model reported them, or (when a stream was cut before
     * its usage came) the tokens streamed: what fair use charges.
     */
    long tokensSpent() {
        Timings t = timings(lastUsage);
        return (long) t.promptTokens() + t.completionTokens();
    }

    private Timings timings(Usage usage) {
        int completion = usage.completionTokens() > 0 ? usage.completionTokens() : tokens;
        return new Timings(retrievalMs, firstTokenMs, elapsedMs(), usage.promptTokens(), completion);
    }

    private long elapsedMs() {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }
}
