package dev.ragd.chat;

/** A running chat request. */
public interface ChatHandle {

    /** A handle for a request that has nothing left to cancel. */
    ChatHandle DONE = () -> {};

    /**
     * Stops the request because its client went away: the token stream is cancelled, the chat-log
     * record is written with status {@code cancelled} and the partial answer, and no further events
     * are sent. Idempotent; a no-op once the request has ended. Safe to call from any thread.
     */
    void cancel();

    /**
     * Stops the request because its client asked: the token stream is cancelled, the chat-log record
     * is written with status {@code stopped} and the answer so far, and the client then gets the end
     * of the request as usual ({@link EndInfo#status()} {@code stopped}), every token it was sent
     * included in that answer. Idempotent; a no-op once the request is ending. Safe from any thread.
     */
    default void stop() {
        cancel();
    }
}
