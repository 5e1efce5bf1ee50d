package dev.ragd.server;

import dev.ragd.chat.ChatError;
import dev.ragd.chat.ChatEvents;
import dev.ragd.chat.EndInfo;
import dev.ragd.resume.Frame;
import dev.ragd.resume.FrameBuffer;
import dev.ragd.retrieval.Passage;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * A streaming answer's events as numbered native frames in its {@link FrameBuffer}, whichever
 * connection reads them (the one that asked, or one that resumed it): {@code start}, {@code sources},
 * each {@code token}, then {@code end} or {@code error}, with {@code seq} 1, 2, 3…. The answer's
 * back-pressure is its reader's.
 */
final class AnswerFrames implements ChatEvents {

    private final FrameBuffer buffer;
    private long seq;

    AnswerFrames(FrameBuffer buffer) {
        this.buffer = buffer;
    }

    @Override
    public void onStart(String logId) {
        onStart(logId, null);
    }

    @Override
    public void onStart(String logId, String conversationId) {
        JsonObject fields = new JsonObject().put("log_id", logId);
        if (conversationId != null) {
            fields.put("conversation_id", conversationId);
        }
        add(Frame.of(seq + 1, "start", fields));
    }

    @Override
    public void onSources(List<Passage> passages) {
        add(Frame.of(seq + 1, "sources", new JsonObject().put("items", Wire.sources(passages))));
    }

    @Override
    public void onToken(String text) {
        add(Frame.token(seq + 1, text));
    }

    @Override
    public void onEnd(EndInfo end) {
        add(Frame.of(seq + 1, "end", Wire.endFields(new JsonObject(), end)));
    }

    @Override
    public void onError(ChatError error) {
        add(Frame.of(seq + 1, "error", Wire.errorFields(new JsonObject(), error)));
    }

    /** A frame that cannot be made (a broken token) takes no seq: the error that follows gets it. */
    private void add(Frame frame) {
        buffer.append(frame);
        seq = frame.seq();
    }

    @Override
    public boolean writeQueueFull() {
        return buffer.readerBehind();
    }

    @Override
    public void drainHandler(Handler<Void> handler) {
        buffer.whenCaughtUp(handler);
    }
}
