package dev.ragd.chat;

import dev.ragd.retrieval.Passage;
import io.vertx.core.Handler;
import java.util.List;

/**
 * Where a {@link ChatPipeline} run reports what happens to one request; each wire protocol renders
 * these events in its own format.
 *
 * <p>Contract: every method is called on the Vert.x context the run was started on (the client
 * connection's event loop) and must not block. Order: {@code onStart}, {@code onSources}, zero or
 * more {@code onToken}, then exactly one of {@code onEnd} or {@code onError}. A request rejected
 * before work starts (e.g. question too long) gets only {@code onError}. After
 * {@link ChatHandle#cancel()} no method is called again. {@code onEnd} is called only after the
 * chat-log record was written.
 */
public interface ChatEvents {

    /**
     * Work on the request has started; {@code logId} is the id its chat-log record will have (made
     * by the server, unlike the client's request id), the same as {@link EndInfo#logId()}.
     */
    void onStart(String logId);

    /**
     * {@link #onStart(String)}, with the server-kept conversation the request is a turn of
     * ({@code null}: none); what the run calls. By default the conversation is not shown.
     */
    default void onStart(String logId, String conversationId) {
        onStart(logId);
    }

    /** The retrieved passages, best first; citation {@code [n]} is {@code passages.get(n - 1)}. */
    void onSources(List<Passage> passages);

    /** One piece of the answer; pieces concatenated in order form the whole answer. */
    void onToken(String text);

    /** The answer is complete and logged. */
    void onEnd(EndInfo end);

    /** The request failed or was rejected; nothing else follows. */
    void onError(ChatError error);

    /** True when the client connection cannot take more writes right now (back-pressure). */
    boolean writeQueueFull();

    /**
     * Calls {@code handler} once, on the run's context, when the connection can take writes again
     * after {@link #writeQueueFull()} returned true.
     */
    void drainHandler(Handler<Void> handler);
}
