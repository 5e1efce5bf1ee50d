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
}
