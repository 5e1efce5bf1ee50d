package dev.ragd.chat;

import dev.ragd.chatlog.ChatRecord;
import dev.ragd.chatlog.WriteOutcome;
import dev.ragd.observe.RecordWritten;
import dev.ragd.observe.RunObserver;
import io.vertx.core.Future;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/** Writes a run's chat-log record on the chat-log threads and tells the run's observer how it went. */
final class RecordWrite {

    private RecordWrite() {}

    /**
     * Starts writing {@code record}; the future completes on the caller's context with how it was
     * kept, or fails when the store failed or its retry queue is full (the record is not kept).
     *
     * @param tokens tokens streamed, for the observer
     */
    static Future<WriteOutcome> start(RunParts shared, RunObserver observer, ChatRecord record, int tokens) {
        long writeStart = System.nanoTime();
        Future<WriteOutcome> write = shared.chatLogExecutor().executeBlocking(() -> {
            WriteOutcome outcome = shared.parts().chatLog().write(record);
            if (outcome == WriteOutcome.REJECTED) {
                throw new IllegalStateException("chat-log queue full: record not kept");
            }
            return outcome;
        }, false);
        return write.andThen(ar -> {
            long writeMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - writeStart);
            observer.recordWritten(new RecordWritten(writeMs, record.status().name(), record.totalMs(), tokens,
                    ar.succeeded() ? ar.result().name().toLowerCase(Locale.ROOT) : null, ar.failed() ? ar.cause() : null));
        });
    }
}
