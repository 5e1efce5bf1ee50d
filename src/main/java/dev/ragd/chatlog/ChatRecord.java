package dev.ragd.chatlog;

import java.time.Instant;
import java.util.List;

/**
 * The durable record of one answered (or cancelled, or failed) question. Field names follow the
 * book's chat-log schema ({@code user_question}, {@code final_answer}, {@code agents_search_results})
 * when serialised with snake_case naming.
 */
public record ChatRecord(
        String id,
        String userQuestion,
        Instant timestamp,
        String finalAnswer,
        String userEmail,
        List<SearchResult> agentsSearchResults,
        Status status,
        String model,
        long retrievalMs,
        long firstTokenMs,
        long totalMs,
        int promptTokens,
        int completionTokens) {

    public enum Status { completed, cancelled, failed }

    public ChatRecord {
        agentsSearchResults = List.copyOf(agentsSearchResults);
    }
}
