package dev.ragd.chat;

import dev.ragd.chatlog.ChatRecord;
import dev.ragd.chatlog.WriteOutcome;
import dev.ragd.ops.StepLog;
import dev.ragd.ops.StepLog.Step;
import io.vertx.core.Future;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/** Writes a run's chat-log record on the chat-log threads and logs the {@code chatlog_write} step. */
final class RecordWrite {

    private RecordWrite() {}

    /**
     * Starts writing {@code record}; the future completes on the caller's context with how it was
     * kept, or fails when the store failed or its retry queue is full (the record is not kept).
     *
     * @param steps  the run's step lines
     * @param tokens tokens streamed, for the step log
     */
    static Future<WriteOutcome> start(ChatPipeline pipeline, StepLog.Request steps, ChatRecord record, int tokens) {
        long writeStart = System.nanoTime();
        Future<WriteOutcome> write = pipeline.chatLogExecutor().executeBlocking(() -> {
            WriteOutcome outcome = pipeline.chatLog().write(record);
            if (outcome == WriteOutcome.REJECTED) {
                throw new IllegalStateException("chat-log queue full: record not kept");
            }
            return outcome;
        }, false);
        return write.andThen(ar -> {
            long writeMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - writeStart);
            StepLog.Line line = ar.failed()
                    ? steps.stepWarn(Step.CHATLOG_WRITE, writeMs).with("outcome", "failed").error(ar.cause())
                    : steps.step(Step.CHATLOG_WRITE, writeMs);
            line.with("status", record.status().name()).with("total_ms", record.totalMs()).with("tokens", tokens);
            if (ar.succeeded()) {
                line.with("logged", ar.result().name().toLowerCase(Locale.ROOT));
            }
            line.log();
        });
    }
}
