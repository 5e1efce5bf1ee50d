package dev.ragd.testsupport;

import dev.ragd.chatlog.ChatRecord;
import dev.ragd.chatlog.ChatRecord.Status;
import dev.ragd.chatlog.SearchResult;
import java.time.Instant;
import java.util.List;

/** Test data: complete chat records with every field set. */
public final class ChatRecords {

    public static final Instant T0 = Instant.parse("2026-11-26T21:30:00.123Z");

    private ChatRecords() {}

    public static ChatRecord record(String id, Instant ts) {
        return record(id, ts, "What is RRF?", "Reciprocal rank fusion [1].");
    }

    public static ChatRecord record(String id, Instant ts, String question, String answer) {
        return new ChatRecord(id, "req-" + id, question, ts, answer, "ada@example.com",
                List.of(new SearchResult(question, List.of(
                        new SearchResult.Hit("docs/rrf.md", "docs/rrf.md#0", "Fusion", 0.0327868852459016),
                        new SearchResult.Hit("docs/bm25.pdf", "docs/bm25.pdf#3", "BM25 \"scoring\"", 0.016)))),
                Status.completed, "extractive", 12, 40, 950, 812, 97);
    }
}
