package dev.ragd.retrieval;

import java.util.List;

/**
 * What one search returned, and how close the closest chunk in the index was to the query.
 *
 * @param passages   at most topK passages, best first (as {@link Retriever#retrieve})
 * @param similarity cosine similarity in [-1, 1] between the query's embedding and the nearest
 *                   chunk's embedding; {@link Double#NaN} when the retriever does not measure it
 *                   (keyword-only search, test retrievers). Unlike the fused RRF scores, which are
 *                   rank-based and always look alike, it says whether anything relevant was found.
 * @param embeddingNanos how long embedding the query took (0 when it was not embedded, e.g. cached or keyword-only)
 * @param embedder       the embedder's name, or {@code null} when none was used
 */
public record Retrieved(List<Passage> passages, double similarity, long embeddingNanos, String embedder) {

    public Retrieved {
        passages = List.copyOf(passages);
    }

    public Retrieved(List<Passage> passages, double similarity) {
        this(passages, similarity, 0, null);
    }

    /** A result without a similarity measure. */
    public static Retrieved unmeasured(List<Passage> passages) {
        return new Retrieved(passages, Double.NaN);
    }

    /** True when the similarity was measured. */
    public boolean measured() {
        return !Double.isNaN(similarity);
    }
}
