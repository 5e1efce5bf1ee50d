package dev.ragd.server;

import dev.ragd.chat.ChatError;
import dev.ragd.chat.ChatPipeline;
import dev.ragd.chat.ErrorCodes;
import dev.ragd.chatlog.ChatRecord;
import dev.ragd.resume.FrameBuffer;
import dev.ragd.resume.ResumableAnswers;
import io.vertx.core.Vertx;
import java.util.function.Consumer;

/**
 * Where a resume's frames come from, the same for the native socket and the event-stream route:
 * the answer's frames (on this replica, or followed through the shared store), else its finished
 * record from the chat log, else {@code resume_expired}. Each outcome is delivered on the caller's
 * context; another user's answer is not told apart from one that does not exist.
 */
final class Resumption {

    /** What a resume leads to; exactly one method is called. */
    interface Outcome {
        void frames(FrameBuffer buffer);

        void record(ChatRecord record);

        void error(ChatError error);
    }

    private Resumption() {}

    /** Finds the frames of {@code r} for {@code caller} over {@code protocol} (for the observer). */
    static void find(ChatPipeline pipeline, ResumableAnswers resumable, ResumeRequest r, String caller, String protocol,
            Outcome out) {
        boolean here = resumable.holds(r.logId());
        Admission.onContext(resumable.find(r.logId(), caller, r.after(), Vertx.currentContext()), ar -> {
            if (ar.succeeded() && ar.result() != null) {
                pipeline.resumed(protocol, here ? "frames" : "shared");
                out.frames(ar.result());
                return;
            }
            Admission.onContext(pipeline.finished(r.logId(), caller), rec -> {
                ChatRecord record = rec.succeeded() ? rec.result().orElse(null) : null;
                if (record != null && (record.status() == ChatRecord.Status.completed
                        || record.status() == ChatRecord.Status.stopped)) {
                    pipeline.resumed(protocol, "chat_log");
                    out.record(record);
                } else if (rec.failed()) {
                    out.error(ChatError.of(ErrorCodes.CHATLOG_UNAVAILABLE, "answer " + r.logId()
                            + " is no longer streaming here and the chat log cannot be read just now; try again", true));
                } else {
                    pipeline.resumed(protocol, "expired");
                    out.error(expired(r.logId(), resumable.windowMs()));
                }
            });
        });
    }

    static ChatError expired(String logId, long windowMs) {
        return ChatError.of(ErrorCodes.RESUME_EXPIRED, "answer " + logId + " cannot be resumed: "
                + (windowMs == 0 ? "this server does not keep answers for resuming (RAGD_RESUME_WINDOW_MS=0)"
                        : "its frames are no longer kept (RAGD_RESUME_WINDOW_MS=" + windowMs + ")")
                + " and the chat log holds no finished answer for it; ask again", false);
    }

    /** The error frame fields of a reader that fell behind what the buffer keeps. */
    static ChatError lost(String logId, long afterSeq) {
        return ChatError.of(ErrorCodes.RESUME_EXPIRED, "the frames of answer " + logId + " after seq " + afterSeq
                + " are no longer kept; it will be in the chat log once finished", false);
    }
}
