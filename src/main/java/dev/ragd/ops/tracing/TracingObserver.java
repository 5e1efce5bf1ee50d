package dev.ragd.ops.tracing;

import dev.ragd.observe.ChatObserver;
import dev.ragd.observe.ModelCall;
import dev.ragd.observe.ModelCallObserver;
import dev.ragd.observe.RecordWritten;
import dev.ragd.observe.RequestInfo;
import dev.ragd.observe.Retrieval;
import dev.ragd.observe.RunEnd;
import dev.ragd.observe.RunObserver;
import dev.ragd.observe.TraceParent;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One server span per request ({@code chat.request}) with children for the rewrite, the retrieval
 * ({@code gen_ai.operation.name=retrieval}) and its query embedding, the model call (GenAI span
 * {@code chat <model>} with usage, finish reasons and time to first chunk) and the chat-log write.
 * The caller's {@code traceparent} is the parent; the model and embedding calls carry the trace
 * onwards. Question text and emails become attributes only with {@code RAGD_LOG_CONTENT=true}.
 * Steps reported with their duration after the fact get spans with explicit timestamps.
 */
public final class TracingObserver implements ChatObserver {

    static final AttributeKey<String> OPERATION = AttributeKey.stringKey("gen_ai.operation.name");
    static final AttributeKey<String> PROVIDER = AttributeKey.stringKey("gen_ai.provider.name");
    static final AttributeKey<String> REQUEST_MODEL = AttributeKey.stringKey("gen_ai.request.model");
    static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");

    private final Tracer tracer;
    private final boolean logContent;

    public TracingObserver(Tracer tracer, boolean logContent) {
        this.tracer = tracer;
        this.logContent = logContent;
    }

    @Override
    public RunObserver admitted(RequestInfo request) {
        Context parent = Context.root();
        TraceParent p = request.parent();
        if (p != null) {
            parent = parent.with(Span.wrap(SpanContext.createFromRemoteParent(p.traceId(), p.parentId(),
                    TraceFlags.fromByte((byte) p.flags()), TraceState.getDefault())));
        }
        long startEpochNanos = epochNanos();
        var span = tracer.spanBuilder("chat.request").setParent(parent).setSpanKind(SpanKind.SERVER)
                .setStartTimestamp(startEpochNanos, TimeUnit.NANOSECONDS)
                .setAttribute("ragd.protocol", request.protocol())
                .setAttribute("ragd.log_id", request.logId())
                .setAttribute("ragd.request_id", request.requestId())
                .setAttribute("ragd.history_messages", request.historyMessages());
        if (logContent) {
            span.setAttribute("ragd.question", request.question());
            if (request.userEmail() != null) {
                span.setAttribute("user.email", request.userEmail());
            }
        }
        return new Run(span.startSpan(), startEpochNanos);
    }

    static long epochNanos() {
        Instant now = Instant.now();
        return TimeUnit.SECONDS.toNanos(now.getEpochSecond()) + now.getNano();
    }

    /** The W3C {@code traceparent} that makes {@code span} the parent of a downstream call. */
    static Map<String, String> traceparent(Span span) {
        SpanContext c = span.getSpanContext();
        if (!c.isValid()) {
            return Map.of();
        }
        return Map.of("traceparent", new TraceParent(c.getTraceId(), c.getSpanId(), c.getTraceFlags().asByte()).header());
    }

    private final class Run implements RunObserver {
        private final Span server;
        private final Context context;
        private final long start;
        private Span retrieval;
        private long retrievalStart;

        Run(Span server, long startEpochNanos) {
            this.server = server;
            this.context = Context.root().with(server);
            this.start = startEpochNanos;
        }

        private long at(long sinceStartMs) {
            return start + TimeUnit.MILLISECONDS.toNanos(sinceStartMs);
        }

        private Span child(String name, long startNanos, Context parent) {
            return tracer.spanBuilder(name).setParent(parent).setStartTimestamp(startNanos, TimeUnit.NANOSECONDS)
                    .startSpan();
        }

        @Override
        public String traceId() {
            return server.getSpanContext().getTraceId();
        }

        @Override
        public void rewritten(long ms, int queries) {
            child("rewrite", start, context).setAttribute("ragd.queries", queries).end(at(ms), TimeUnit.NANOSECONDS);
            startRetrieval(ms);
        }

        @Override
        public void rewriteFailed(long ms, Throwable cause) {
            Span s = child("rewrite", start, context);
            s.setStatus(StatusCode.ERROR, cause.getClass().getSimpleName())
                    .setAttribute(ERROR_TYPE, cause.getClass().getName()).end(at(ms), TimeUnit.NANOSECONDS);
            startRetrieval(ms);
        }

        private void startRetrieval(long ms) {
            retrievalStart = at(ms);
            retrieval = child("retrieval", retrievalStart, context);
            retrieval.setAttribute(OPERATION, "retrieval");
        }

        @Override
        public Map<String, String> searchHeaders() {
            return traceparent(retrieval != null ? retrieval : server);
        }

        @Override
        public void retrieved(Retrieval r) {
            if (retrieval == null) {
                startRetrieval(0);
            }
            if (r.embedder() != null) {
                child("embeddings " + r.embedder(), retrievalStart, Context.root().with(retrieval))
                        .setAttribute(OPERATION, "embeddings").setAttribute(REQUEST_MODEL, r.embedder())
                        .end(retrievalStart + Math.round(r.embeddingMs() * 1e6), TimeUnit.NANOSECONDS);
            }
            retrieval.setAttribute("ragd.retrieval.queries", r.queries().size())
                    .setAttribute("ragd.retrieval.passages", r.passages())
                    .setAttribute("ragd.retrieval.relevant", r.relevant());
            if (!Double.isNaN(r.similarity())) {
                retrieval.setAttribute("ragd.retrieval.similarity", r.similarity());
            }
            if (logContent) {
                retrieval.setAttribute(AttributeKey.stringArrayKey("ragd.retrieval.search_queries"), r.queries());
            }
            if (r.failure() != null) {
                retrieval.setAttribute(ERROR_TYPE, r.failure().getClass().getName())
                        .setStatus(StatusCode.ERROR, r.allFailed() ? "every search failed" : "a search failed");
            }
            retrieval.end(at(r.durationMs()), TimeUnit.NANOSECONDS);
        }

        @Override
        public ModelCallObserver modelCall(ModelCall call) {
            Span s = tracer.spanBuilder("chat " + call.model()).setParent(context).setSpanKind(SpanKind.CLIENT)
                    .setAttribute(OPERATION, call.operation()).setAttribute(PROVIDER, call.provider())
                    .setAttribute(REQUEST_MODEL, call.model()).startSpan();
            if (call.server() != null) {
                s.setAttribute("server.address", call.server());
            }
            return new Call(s);
        }

        @Override
        public void firstToken(long ms) {
            server.addEvent("first_token", at(ms), TimeUnit.NANOSECONDS);
        }

        @Override
        public void cancelled(long ms, int tokens, String reason) {
            server.addEvent("cancelled", Attributes.of(AttributeKey.stringKey("reason"), reason), at(ms),
                    TimeUnit.NANOSECONDS);
        }

        @Override
        public void recordWritten(RecordWritten w) {
            long end = epochNanos();
            Span s = child("chatlog.write", end - TimeUnit.MILLISECONDS.toNanos(w.durationMs()), context);
            s.setAttribute("ragd.chatlog.status", w.status());
            if (w.kept() != null) {
                s.setAttribute("ragd.chatlog.kept", w.kept());
            } else {
                s.setStatus(StatusCode.ERROR, "the record was not kept")
                        .setAttribute(ERROR_TYPE, w.failure() == null ? "failed" : w.failure().getClass().getName());
            }
            s.end(end, TimeUnit.NANOSECONDS);
        }

        @Override
        public void ended(RunEnd end) {
            server.setAttribute("ragd.outcome", end.outcome()).setAttribute("ragd.tokens", end.tokens())
                    .setAttribute("ragd.first_token_ms", end.firstTokenMs());
            if (end.errorCode() != null) {
                server.setAttribute(ERROR_TYPE, end.errorCode()).setStatus(StatusCode.ERROR, end.errorCode());
            }
            server.end();
        }
    }

    /** The GenAI client span of one model call. */
    private static final class Call implements ModelCallObserver {
        private final Span span;
        private final long startNanos = System.nanoTime();
        private boolean over;

        Call(Span span) {
            this.span = span;
        }

        @Override
        public Map<String, String> headers() {
            return traceparent(span);
        }

        @Override
        public void retrying(String errorType, int status, int attempt, long delayMs, String detail) {
            span.addEvent("retry", Attributes.builder().put(ERROR_TYPE, errorType).put("http.response.status_code", status)
                    .put("ragd.attempt", attempt).put("ragd.retry_delay_ms", delayMs).build());
        }

        @Override
        public void firstChunk() {
            double seconds = (System.nanoTime() - startNanos) / 1e9;
            span.setAttribute("gen_ai.response.time_to_first_chunk", seconds);
            span.addEvent("gen_ai.first_chunk");
        }

        @Override
        public void succeeded(int in, int out, String finishReason) {
            if (over) {
                return;
            }
            over = true;
            span.setAttribute("gen_ai.usage.input_tokens", in).setAttribute("gen_ai.usage.output_tokens", out);
            if (finishReason != null) {
                span.setAttribute(AttributeKey.stringArrayKey("gen_ai.response.finish_reasons"), List.of(finishReason));
            }
            span.end();
        }

        @Override
        public void failed(String errorType, int status, int attempts, int out, String detail) {
            end(errorType, status);
        }

        @Override
        public void cancelled() {
            end("cancelled", 0);
        }

        private void end(String errorType, int status) {
            if (over) {
                return;
            }
            over = true;
            span.setAttribute(ERROR_TYPE, errorType).setStatus(StatusCode.ERROR, errorType);
            if (status > 0) {
                span.setAttribute("http.response.status_code", status);
            }
            span.end();
        }
    }
}
