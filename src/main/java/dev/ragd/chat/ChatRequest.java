package dev.ragd.chat;

import dev.ragd.llm.Message;
import dev.ragd.retrieval.SearchFilter;
import java.util.List;

/**
 * One question to answer, already parsed from any of the wire protocols.
 *
 * @param id        the client's request id: a correlation id echoed in every frame of the request
 *                  (generated when the client sends none). Only unique among one connection's
 *                  requests in flight; any two clients may use the same one, so it is kept in the
 *                  chat-log record as {@code request_id} but never keys it (see {@link EndInfo#logId()})
 * @param userEmail the user's email, or {@code null}
 * @param messages  the conversation, oldest first; the last USER message is the question
 * @param stream    false asks for the whole answer in one frame/body
 * @param filter    metadata the client narrowed the search to ({@link SearchFilter#NONE}: none)
 * @param conversation the server-kept conversation this request is a turn of, or {@code null} for none
 *                  (see {@link ConversationRef})
 */
public record ChatRequest(String id, String userEmail, List<Message> messages, boolean stream, SearchFilter filter,
        ConversationRef conversation) {
    public ChatRequest {
        messages = List.copyOf(messages);
        filter = filter == null ? SearchFilter.NONE : filter;
    }

    /** This request, from {@code user} instead of the email the client sent. */
    public ChatRequest withUser(String user) {
        return new ChatRequest(id, user, messages, stream, filter, conversation);
    }

    /** This request, searching only within {@code newFilter}. */
    public ChatRequest withFilter(SearchFilter newFilter) {
        return new ChatRequest(id, userEmail, messages, stream, newFilter, conversation);
    }

    /** This request as a turn of {@code ref} ({@code null}: of none). */
    public ChatRequest withConversation(ConversationRef ref) {
        return new ChatRequest(id, userEmail, messages, stream, filter, ref);
    }

    /** This request with {@code newMessages} (e.g. a kept conversation's turns before the question). */
    public ChatRequest withMessages(List<Message> newMessages) {
        return new ChatRequest(id, userEmail, newMessages, stream, filter, conversation);
    }

    /** The id of the conversation this request is a turn of, or {@code null} (none, or not made yet). */
    public String conversationId() {
        return conversation == null ? null : conversation.id();
    }

    /** A request that is a turn of no server-kept conversation. */
    public ChatRequest(String id, String userEmail, List<Message> messages, boolean stream, SearchFilter filter) {
        this(id, userEmail, messages, stream, filter, null);
    }

    /** A request that narrows no search. */
    public ChatRequest(String id, String userEmail, List<Message> messages, boolean stream) {
        this(id, userEmail, messages, stream, SearchFilter.NONE);
    }
}
