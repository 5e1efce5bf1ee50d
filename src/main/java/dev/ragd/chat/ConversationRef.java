package dev.ragd.chat;

/**
 * Which server-kept conversation a request is a turn of. A request with no reference at all
 * ({@code null} in {@link ChatRequest#conversation()}: the book's protocol, internal requests) is a
 * turn of none; {@link #NEW} starts one, whose id is then the first turn's chat-log id (so its
 * first record names it, and a list of conversations is a list of first turns); an id continues
 * that conversation, which must exist for the caller.
 *
 * @param id the conversation's id, or {@code null} for {@link #NEW}
 */
public record ConversationRef(String id) {

    /** Starts a conversation with this request. */
    public static final ConversationRef NEW = new ConversationRef(null);

    public boolean isNew() {
        return id == null;
    }
}
