package dev.ragd.ops;

import java.util.Locale;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * One structured log line per pipeline step of a request: message {@code step}, fields
 * {@code log_id} (the id of the request's chat-log record, so a record can be found from its log
 * lines and back; null for a request refused before it had one), {@code request_id} (the id the
 * client gave the request, which only correlates frames on one connection and may repeat across
 * clients), {@code step}, {@code duration_ms}, then the caller's extra key/values.
 *
 * <pre>{@code
 * StepLog.Request steps = new StepLog(config.logContent()).request(logId, requestId);
 * steps.step(StepLog.Step.REQUEST_IN, 0)
 *      .with("transport", "ws").with("question_chars", q.length())
 *      .content("question", q).content("user_email", email)
 *      .log();
 * steps.step(StepLog.Step.RETRIEVAL, 12).with("hits", 3).log();
 * }</pre>
 *
 * <p>{@link Line#content} values (question text, emails, answers) are written only when the log
 * was built with {@code logContent=true} ({@code RAGD_LOG_CONTENT}); otherwise they are left out
 * entirely. Thread-safe; a {@link Line} belongs to one thread and is logged once.
 */
public final class StepLog {

    /** The steps of one request, logged under their snake_case {@link #key()}. */
    public enum Step {
        REQUEST_IN, REJECTED, RETRIEVAL, FIRST_TOKEN, ANSWER_DONE, CANCELLED, BACKPRESSURE, CHATLOG_WRITE;

        public String key() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final Logger logger;
    private final boolean logContent;

    /** Logs to the {@code dev.ragd.steps} logger. */
    public StepLog(boolean logContent) {
        this(LoggerFactory.getLogger("dev.ragd.steps"), logContent);
    }

    public StepLog(Logger logger, boolean logContent) {
        this.logger = Objects.requireNonNull(logger, "logger");
        this.logContent = logContent;
    }

    public boolean logContent() {
        return logContent;
    }

    /** The step lines of one request, each tagged with these ids. */
    public Request request(String logId, String requestId) {
        return new Request(logId, requestId, null);
    }

    /** As {@link #request(String, String)}, with the request's trace id on every line (when not null). */
    public Request request(String logId, String requestId, String traceId) {
        return new Request(logId, requestId, traceId);
    }

    /** Builds the step lines of one request. */
    public final class Request {
        private final String logId;
        private final String requestId;
        private final String traceId;

        private Request(String logId, String requestId, String traceId) {
            this.logId = logId;
            this.requestId = requestId;
            this.traceId = traceId;
        }

        /** {@code event} (another logger's line about this request) with the request's ids added. */
        public LoggingEventBuilder ids(LoggingEventBuilder event) {
            event.addKeyValue("log_id", logId).addKeyValue("request_id", requestId);
            return traceId == null ? event : event.addKeyValue("trace_id", traceId);
        }

        /** Starts an INFO line for {@code step}; add fields, then call {@link Line#log()}. */
        public Line step(Step step, long durationMs) {
            return new Line(logger.atLevel(Level.INFO), this, step, durationMs);
        }

        /** Like {@link #step} at DEBUG, for frequent steps such as back-pressure pauses. */
        public Line stepDebug(Step step, long durationMs) {
            return new Line(logger.atLevel(Level.DEBUG), this, step, durationMs);
        }

        /** Like {@link #step} at WARN, for a step that failed or was cut short. */
        public Line stepWarn(Step step, long durationMs) {
            return new Line(logger.atLevel(Level.WARN), this, step, durationMs);
        }
    }

    /** One log line being built. */
    public final class Line {
        private final LoggingEventBuilder event;
        private final String message;

        private Line(LoggingEventBuilder event, Request request, Step step, long durationMs) {
            this.message = step.key();
            this.event = request.ids(event).addKeyValue("step", step.key())
                    .addKeyValue("duration_ms", durationMs);
        }

        /** An operational field: counts, names, sizes, error codes. Never user content. */
        public Line with(String key, Object value) {
            event.addKeyValue(key, value);
            return this;
        }

        /** User content (question, email, answer): kept only when content logging is on. */
        public Line content(String key, Object value) {
            if (logContent) {
                event.addKeyValue(key, value);
            }
            return this;
        }

        /** Attaches an exception (its message and stack trace). */
        public Line error(Throwable t) {
            event.setCause(t);
            return this;
        }

        public void log() {
            event.log(message);
        }
    }
}
