package dev.ragd.chatlog;

import java.util.List;

/** One search the pipeline ran for a question, and what it returned. */
public record SearchResult(String query, List<Hit> hits) {

    public SearchResult {
        hits = List.copyOf(hits);
    }

    /** A returned passage, without its text. */
    public record Hit(String docId, String chunkId, String title, double score) {}
}
