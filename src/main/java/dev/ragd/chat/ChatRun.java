package dev.ragd.chat;

import dev.ragd.chatlog.ChatRecord;
import dev.ragd.chatlog.SearchResult;
import dev.ragd.llm.GenerationRequest;
import dev.ragd.llm.Message;
import dev.ragd.llm.TokenStream;
import dev.ragd.llm.Usage;
import dev.ragd.retrieval.Passage;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * One request's way through the pipeline. All state is touched only on {@link #context}, so no
 * locking: retrieval and chat-log writes run on worker threads and complete back on the context.
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

    private Phase phase = Phase.NEW;
    private boolean cancelled;
    private boolean paused;
    private List<Passage> passages = List.of();
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
    }

    /** Completes when the request is over and its record written (or the write failed). */
    Future<Void> finished() {
        return finished.future();
    }

    void rejectTooLong() {
        step("rejected").addKeyValue("reason", ErrorCodes.QUESTION_TOO_LONG)
                .addKeyValue("question_chars", question.length()).log("chat request rejected");
        phase = Phase.DONE;
        events.onError(ChatError.of(ErrorCodes.QUESTION_TOO_LONG, ErrorCodes.TOO_LONG_MESSAGE, false));
    }

    void start() {
        LoggingEventBuilder b = step("request").addKeyValue("history_messages", history.size())
                .addKeyValue("question_chars", question.length());
        if (pipeline.config().logContent()) {
            b = b.addKeyValue("question", question).addKeyValue("user_email", request.userEmail());
        }
        b.log("chat request");
        phase = Phase.RETRIEVING;
        events.onStart(request.id());
        int topK = pipeline.config().topK();
        context.<List<Passage>>executeBlocking(() -> pipeline.retriever().retrieve(question, topK), false)
                .onComplete(this::retrieved);
    }

    private void retrieved(AsyncResult<List<Passage>> result) {
        retrievalMs = elapsedMs();
        if (result.failed()) {
            warn("retrieval").addKeyValue("duration_ms", retrievalMs).setCause(result.cause()).log("retrieval failed");
            fail(ChatError.of(ErrorCodes.RETRIEVAL_FAILED, "Searching the documents failed; please try again.", true));
            return;
        }
        passages = result.result() == null ? List.of() : List.copyOf(result.result());
        step("retrieval").addKeyValue("duration_ms", retrievalMs).addKeyValue("passages", passages.size())
                .log("retrieval done");
        if (cancelled) {
            finish(ChatRecord.Status.cancelled, Usage.NONE);
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

    private void token(String text) {
        if (phase != Phase.GENERATING || cancelled) {
            return;
        }
        if (tokens++ == 0) {
            firstTokenMs = elapsedMs();
            step("first_token").addKeyValue("duration_ms", firstTokenMs).log("first token");
        }
        answer.append(text);
        events.onToken(text);
        if (!paused && events.writeQueueFull()) {
            paused = true;
            stream.pause();
            log.atDebug().addKeyValue("request_id", request.id()).addKeyValue("step", "backpressure")
                    .log("client write queue full; generation paused");
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
        step("generation").addKeyValue("duration_ms", elapsedMs()).addKeyValue("tokens", tokens)
                .log("generation done");
        finish(ChatRecord.Status.completed, usage == null ? Usage.NONE : usage);
    }

    private void generationFailed(Throwable error) {
        if (phase != Phase.GENERATING || cancelled) {
            return;
        }
        warn("generation").addKeyValue("duration_ms", elapsedMs()).addKeyValue("tokens", tokens)
                .setCause(error).log("generation failed");
        fail(ChatError.of(ErrorCodes.GENERATION_FAILED, "Writing the answer failed; please try again.", true));
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
        step("cancel").addKeyValue("duration_ms", elapsedMs()).addKeyValue("tokens", tokens)
                .log("client went away; request cancelled");
        if (phase == Phase.GENERATING) {
            stream.cancel();
            finish(ChatRecord.Status.cancelled, Usage.NONE);
        }
        // RETRIEVING: the record is written when retrieval returns, so it keeps the search results.
    }

    private void fail(ChatError error) {
        writeRecord(ChatRecord.Status.failed, Usage.NONE).onComplete(ar -> {
            if (!cancelled) {
                events.onError(error);
            }
        });
    }

    private void finish(ChatRecord.Status status, Usage usage) {
        writeRecord(status, usage).onComplete(ar -> {
            if (cancelled) {
                return;
            }
            if (ar.failed()) {
                events.onError(ChatError.of(ErrorCodes.CHATLOG_UNAVAILABLE,
                        "The answer could not be saved to the chat log; please try again.", true));
                return;
            }
            Timings t = timings(usage);
            events.onEnd(new EndInfo(request.id(), answer.toString(), passages, t, pipeline.model(),
                    pipeline.languageModel(), pipeline.retrieverName()));
        });
    }

    private Future<Void> writeRecord(ChatRecord.Status status, Usage usage) {
        phase = Phase.FINISHING;
        Timings t = timings(usage);
        List<SearchResult.Hit> hits = passages.stream()
                .map(p -> new SearchResult.Hit(p.docId(), p.chunkId(), p.title(), p.score())).toList();
        ChatRecord record = new ChatRecord(request.id(), question, timestamp, answer.toString(), request.userEmail(),
                List.of(new SearchResult(question, hits)), status, pipeline.model(), t.retrievalMs(),
                t.firstTokenMs(), t.totalMs(), t.promptTokens(), t.completionTokens());
        long writeStart = System.nanoTime();
        Future<Void> write = context.<Void>executeBlocking(() -> {
            pipeline.chatLog().upsert(record);
            return null;
        }, false);
        return write.andThen(ar -> {
            phase = Phase.DONE;
            finished.tryComplete();
            LoggingEventBuilder b = (ar.failed() ? warn("chatlog_write") : step("chatlog_write"))
                    .addKeyValue("duration_ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - writeStart))
                    .addKeyValue("status", status.name()).addKeyValue("total_ms", t.totalMs())
                    .addKeyValue("tokens", tokens);
            if (ar.failed()) {
                b.setCause(ar.cause()).log("chat-log write failed");
            } else {
                b.log("chat-log record written");
            }
        });
    }

    private Timings timings(Usage usage) {
        int completion = usage.completionTokens() > 0 ? usage.completionTokens() : tokens;
        return new Timings(retrievalMs, firstTokenMs, elapsedMs(), usage.promptTokens(), completion);
    }

    private long elapsedMs() {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }

    private LoggingEventBuilder step(String step) {
        return log.atInfo().addKeyValue("request_id", request.id()).addKeyValue("step", step);
    }

    private LoggingEventBuilder warn(String step) {
        return log.atWarn().addKeyValue("request_id", request.id()).addKeyValue("step", step);
    }
}
