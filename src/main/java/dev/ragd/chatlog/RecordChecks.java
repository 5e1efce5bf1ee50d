package dev.ragd.chatlog;

import java.util.List;

/** Checks and clean-ups shared by the stores. */
final class RecordChecks {

    static final int MAX_ID_CHARS = 255;

    private RecordChecks() {}

    /** Rejects a record no store can key or order, naming the field. */
    static void validate(ChatRecord r) {
        if (r.id() == null || r.id().isBlank()) {
            throw new IllegalArgumentException("chat record id must not be blank");
        }
        if (r.id().length() > MAX_ID_CHARS) {
            throw new IllegalArgumentException("chat record id must be at most " + MAX_ID_CHARS + " characters");
        }
        if (r.timestamp() == null) {
            throw new IllegalArgumentException("chat record " + r.id() + ": timestamp must not be null");
        }
        if (r.status() == null) {
            throw new IllegalArgumentException("chat record " + r.id() + ": status must not be null");
        }
    }

    /** The record with every U+0000 in its strings replaced by U+FFFD (PostgreSQL text cannot hold NUL). */
    static ChatRecord withoutNul(ChatRecord r) {
        List<SearchResult> results = r.agentsSearchResults().stream()
                .map(s -> new SearchResult(clean(s.query()), s.hits().stream()
                        .map(h -> new SearchResult.Hit(clean(h.docId()), clean(h.chunkId()), clean(h.title()), h.score()))
                        .toList()))
                .toList();
        return new ChatRecord(clean(r.id()), clean(r.requestId()), clean(r.userQuestion()), r.timestamp(), clean(r.finalAnswer()),
                clean(r.userEmail()), results, r.status(), clean(r.model()), r.retrievalMs(), r.firstTokenMs(),
                r.totalMs(), r.promptTokens(), r.completionTokens(), clean(r.traceId()), clean(r.feedback()),
                clean(r.conversationId()));
    }

    private static Feedback clean(Feedback f) {
        return f == null || f.reason() == null || f.reason().indexOf('\u0000') < 0 ? f
                : new Feedback(f.rating(), clean(f.reason()), f.categories(), f.at());
    }

    static String clean(String s) {
        return s == null || s.indexOf('\u0000') < 0 ? s : s.replace('\u0000', '\uFFFD');
    }
}
