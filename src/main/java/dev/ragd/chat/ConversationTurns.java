package dev.ragd.chat;

import dev.ragd.chatlog.ChatRecord;
import dev.ragd.llm.Message;
import java.util.ArrayList;
import java.util.List;

/** The history of a server-kept conversation, as messages the model reads before the new question. */
final class ConversationTurns {

    private ConversationTurns() {}

    /**
     * {@code messages} with the conversation's earlier turns before the question, when the client
     * sent only the question (and perhaps system messages): each answered turn ({@code completed} or
     * {@code stopped}, with text) as its question and answer, oldest first, and as many of the latest
     * turns as fit in {@code maxChars} (a long conversation must not become one the server refuses).
     * A client that sent its own history keeps it: it is used as sent.
     *
     * @param newestFirst the conversation's latest turns, newest first (as the chat log finds them)
     */
    static List<Message> withHistory(List<ChatRecord> newestFirst, List<Message> messages, int maxChars) {
        if (messages.stream().filter(m -> m.role() != Message.Role.SYSTEM).count() != 1) {
            return messages;
        }
        List<Message> turns = new ArrayList<>();
        long chars = 0;
        for (ChatRecord r : newestFirst) {
            boolean answered = r.status() == ChatRecord.Status.completed || r.status() == ChatRecord.Status.stopped;
            if (!answered || r.finalAnswer() == null || r.finalAnswer().isBlank()) {
                continue;
            }
            chars += r.userQuestion().length() + r.finalAnswer().length();
            if (chars > maxChars) {
                break;
            }
            turns.addFirst(Message.assistant(r.finalAnswer()));
            turns.addFirst(Message.user(r.userQuestion()));
        }
        List<Message> out = new ArrayList<>(messages.stream().filter(m -> m.role() == Message.Role.SYSTEM).toList());
        out.addAll(turns);
        out.add(messages.stream().filter(m -> m.role() != Message.Role.SYSTEM).findFirst().orElseThrow());
        return out;
    }
}
