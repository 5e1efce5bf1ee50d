package dev.ragd.chat;

import dev.ragd.llm.Message;
import dev.ragd.retrieval.SearchFilter;
import java.util.List;

/** What a client may send: the checks a request passes before any work is done for it. */
final class RequestChecks {

    private final PipelineSettings settings;

    RequestChecks(PipelineSettings settings) {
        this.settings = settings;
    }

    /** Why the question (at {@code questionIndex}, {@code -1}: none) is refused, or {@code null}. */
    ChatError question(int questionIndex, String question) {
        if (questionIndex < 0) {
            return ChatError.of(ErrorCodes.BAD_REQUEST, "the request has no user question (no message with role user)", false);
        }
        if (question.isBlank()) {
            return ChatError.of(ErrorCodes.BAD_REQUEST, "the question is empty", false);
        }
        if (question.length() > settings.maxQuestionChars()) {
            return ChatError.of(ErrorCodes.QUESTION_TOO_LONG, ErrorCodes.TOO_LONG_MESSAGE, false);
        }
        if (!QuestionText.hasLetterOrDigit(question)) {
            return ChatError.of(ErrorCodes.BAD_REQUEST, "the question has no letters or digits", false);
        }
        return null;
    }

    /** Why the client's filter is refused (a field not in {@code RAGD_SEARCH_CLIENT_FILTERS}), or {@code null}. */
    ChatError filter(SearchFilter filter) {
        for (String field : filter.anyOf().keySet()) {
            if (!settings.clientFilterFields().contains(field)) {
                return ChatError.of(ErrorCodes.BAD_REQUEST, settings.clientFilterFields().isEmpty()
                        ? "this server takes no filters (filters: " + field + ")"
                        : "filters may name " + String.join(", ", new java.util.TreeSet<>(settings.clientFilterFields()))
                                + ", not " + field, false);
            }
        }
        return null;
    }

    /**
     * Why the conversation sent is refused, or {@code null}: more messages than a client should ever
     * need to send, or a kept history longer than the model should be made to read (each character
     * of it is paid for on every turn).
     */
    ChatError history(int entries, List<Message> kept) {
        if (entries > settings.maxHistoryEntries()) {
            return ChatError.of(ErrorCodes.HISTORY_TOO_LONG, "the request holds " + entries + " messages; this server"
                    + " takes at most " + settings.maxHistoryEntries() + " (RAGD_MAX_HISTORY_ENTRIES)", false);
        }
        long chars = kept.stream().mapToLong(m -> m.content().length()).sum();
        if (chars > settings.maxHistoryChars()) {
            return ChatError.of(ErrorCodes.HISTORY_TOO_LONG, "the last " + kept.size() + " messages of the history hold "
                    + chars + " characters; this server takes at most " + settings.maxHistoryChars()
                    + " (RAGD_MAX_HISTORY_CHARS)", false);
        }
        return null;
    }
}
