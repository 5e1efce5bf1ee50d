package dev.ragd.chat;

import dev.ragd.llm.Message;
import java.util.List;

/**
 * One question to answer, already parsed from any of the wire protocols.
 *
 * @param id        request id; becomes the chat-log record id (generated when the client sends none)
 * @param userEmail the user's email, or {@code null}
 * @param messages  the conversation, oldest first; the last USER message is the question
 * @param stream    false asks for the whole answer in one frame/body
 */
public record ChatRequest(String id, String userEmail, List<Message> messages, boolean stream) {
    public ChatRequest {
        messages = List.copyOf(messages);
    }
}
