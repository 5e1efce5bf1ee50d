package dev.ragd.chatlog;

/** What {@link QueuedChatLog#write} did with a record. */
public enum WriteOutcome {
    /** The store has it: it is durable now. */
    STORED,
    /** The store failed; the record waits in memory and is retried in the background. */
    QUEUED,
    /** The store failed and the queue is full: the record was not kept. */
    REJECTED
}
