package dev.ragd.retrieval;

/** How {@link LuceneRetriever} finds passages. */
public enum SearchMode {
    /** BM25 over analysed title and text. */
    KEYWORD,
    /** Nearest neighbours of the query embedding (HNSW, cosine). */
    VECTOR,
    /** Both, fused by reciprocal rank fusion. */
    HYBRID
}
