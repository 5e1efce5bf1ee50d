package dev.ragd.retrieval;

/**
 * The opened retrieval side: a hybrid {@link Retriever} over a {@link LuceneIndex}. Closing it
 * closes the index (the embedder's in-process model needs no closing).
 *
 * @param retriever the hybrid retriever to call with the configured top K
 * @param index     the index it searches
 * @param embedder  the embedder used for queries (and ingestion)
 */
public record RetrievalStack(Retriever retriever, LuceneIndex index, Embedder embedder) implements AutoCloseable {

    @Override
    public void close() {
        try {
            retriever.close();
        } finally {
            index.close();
        }
    }
}
