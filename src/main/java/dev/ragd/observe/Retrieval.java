package dev.ragd.observe;

import java.util.List;

/**
 * How a request's search went.
 *
 * @param durationMs    from the request's start until the fused passages were ready (rewrite included)
 * @param queries       the queries searched
 * @param passages      passages kept after fusion
 * @param similarity    best nearest-chunk similarity, {@code NaN} when not measured
 * @param relevant      whether the passages were judged relevant enough to answer from
 * @param failedQueries queries whose search failed
 * @param failure       the last search failure, or {@code null}
 * @param embeddingMs   the longest query embedding (queries are embedded in parallel); 0 when none
 * @param embedder      the embedder's name, or {@code null} when none was used
 */
public record Retrieval(long durationMs, List<String> queries, int passages, double similarity, boolean relevant,
        int failedQueries, Throwable failure, double embeddingMs, String embedder) {

    public Retrieval {
        queries = List.copyOf(queries);
    }

    public boolean allFailed() {
        return failedQueries == queries.size();
    }
}
