package dev.ragd.ops;

import dev.ragd.observe.ChatObserver;
import dev.ragd.observe.ModelCall;
import dev.ragd.observe.ModelCallObserver;
import dev.ragd.observe.RecordWritten;
import dev.ragd.observe.RequestInfo;
import dev.ragd.observe.Retrieval;
import dev.ragd.observe.RunObserver;
import dev.ragd.ops.StepLog.Step;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The step log as an observer: one {@link StepLog} line per step of a request, and the model
 * client's retries and failures at WARN with the request's ids. Breaker changes are logged at WARN
 * when the breaker opens and at INFO when it closes again.
 */
public final class StepLogObserver implements ChatObserver {

    private static final Logger upstreamLog = LoggerFactory.getLogger("dev.ragd.upstream");

    private final StepLog steps;

    public StepLogObserver(boolean logContent) {
        this(new StepLog(logContent));
    }

    public StepLogObserver(StepLog steps) {
        this.steps = steps;
    }

    @Override
    public RunObserver admitted(RequestInfo request) {
        StepLog.Request lines = steps.request(request.logId(), request.requestId(), request.traceId());
        lines.step(Step.REQUEST_IN, 0).with("protocol", request.protocol())
                .with("history_messages", request.historyMessages())
                .with("question_chars", request.question() == null ? 0 : request.question().length())
                .content("question", request.question()).content("user_email", request.userEmail()).log();
        return new Run(lines);
    }

    @Override
    public void rejected(RequestInfo request, String code, String detail) {
        StepLog.Line line = steps.request(null, request.requestId(), request.traceId()).step(Step.REJECTED, 0)
                .with("protocol", request.protocol()).with("reason", code);
        if (detail != null && !detail.isEmpty()) {
            line.with("detail", detail);
        }
        line.log();
    }

    @Override
    public void breakerChanged(String upstream, String state) {
        var event = "open".equals(state) ? upstreamLog.atWarn() : upstreamLog.atInfo();
        event.addKeyValue("upstream", upstream).addKeyValue("state", state).log("llm circuit breaker " + state);
    }

    private record Run(StepLog.Request lines) implements RunObserver {

        @Override
        public void rewriteFailed(long ms, Throwable cause) {
            lines.stepWarn(Step.RETRIEVAL, ms).with("outcome", "rewrite_failed").error(cause).log();
        }

        @Override
        public void retrieved(Retrieval r) {
            if (r.allFailed()) {
                lines.stepWarn(Step.RETRIEVAL, r.durationMs()).with("outcome", "failed")
                        .with("queries", r.queries().size()).error(r.failure()).log();
                return;
            }
            StepLog.Line line = r.failure() == null ? lines.step(Step.RETRIEVAL, r.durationMs())
                    : lines.stepWarn(Step.RETRIEVAL, r.durationMs()).with("failed_queries", r.failedQueries())
                            .error(r.failure());
            if (!Double.isNaN(r.similarity())) {
                line.with("similarity", Math.round(r.similarity() * 1000) / 1000.0);
            }
            line.with("passages", r.passages()).with("queries", r.queries().size()).with("relevant", r.relevant())
                    .content("search_queries", r.queries()).log();
        }

        @Override
        public ModelCallObserver modelCall(ModelCall call) {
            return new Call(lines, call);
        }

        @Override
        public void firstToken(long ms) {
            lines.step(Step.FIRST_TOKEN, ms).log();
        }

        @Override
        public void backpressure(long ms, int tokens) {
            lines.stepDebug(Step.BACKPRESSURE, ms).with("tokens", tokens).log();
        }

        @Override
        public void answered(long ms, String outcome, int tokens, Throwable failure) {
            if (failure != null) {
                lines.stepWarn(Step.ANSWER_DONE, ms).with("outcome", "failed").with("tokens", tokens).error(failure).log();
            } else if ("not_found".equals(outcome)) {
                lines.step(Step.ANSWER_DONE, ms).with("outcome", "not_found").log();
            } else {
                lines.step(Step.ANSWER_DONE, ms).with("tokens", tokens).log();
            }
        }

        @Override
        public void cancelled(long ms, int tokens, String reason) {
            lines.step(Step.CANCELLED, ms).with("tokens", tokens).with("reason", reason).log();
        }

        @Override
        public void recordWritten(RecordWritten w) {
            StepLog.Line line = w.failure() != null
                    ? lines.stepWarn(Step.CHATLOG_WRITE, w.durationMs()).with("outcome", "failed").error(w.failure())
                    : lines.step(Step.CHATLOG_WRITE, w.durationMs());
            line.with("status", w.status()).with("total_ms", w.totalMs()).with("tokens", w.tokens());
            if (w.kept() != null) {
                line.with("logged", w.kept());
            }
            line.log();
        }
    }

    /** The model client's retries and failures, with the ids of the request they belong to. */
    private record Call(StepLog.Request lines, ModelCall call) implements ModelCallObserver {

        @Override
        public void retrying(String errorType, int status, int attempt, long delayMs, String detail) {
            lines.ids(upstreamLog.atWarn()).addKeyValue("upstream", call.upstream())
                    .addKeyValue("kind", errorType).addKeyValue("status", status).addKeyValue("attempt", attempt)
                    .addKeyValue("delay_ms", delayMs).addKeyValue("detail", detail).log("llm upstream retry");
        }

        @Override
        public void succeeded(int in, int out, String finishReason) {
            if (finishReason != null && !"stop".equals(finishReason)) {
                lines.ids(upstreamLog.atInfo()).addKeyValue("upstream", call.upstream())
                        .addKeyValue("finish_reason", finishReason).addKeyValue("tokens", out)
                        .log("llm answer ended early");
            }
        }

        @Override
        public void failed(String errorType, int status, int attempts, int out, String detail) {
            var event = "circuit_open".equals(errorType) ? upstreamLog.atDebug() : upstreamLog.atWarn();
            lines.ids(event).addKeyValue("upstream", call.upstream())
                    .addKeyValue("kind", errorType).addKeyValue("status", status).addKeyValue("attempts", attempts)
                    .addKeyValue("tokens", out).addKeyValue("detail", detail).log("llm upstream failed");
        }
    }
}
