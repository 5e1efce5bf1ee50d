package dev.ragd.retrieval;

/**
 * The Lucene backend, opened: a hybrid {@link Retriever} over a {@link LuceneIndex}, with the index
 * and embedder that ingestion (the sample-corpus bootstrap) writes with. The pipeline only ever
 * sees the {@link Retriever}. Closing it closes the index (the embedder's in-process model needs
 * no closing).
 *
 * @param retriever the hybrid retriever to call with the configured top K
 * @param index     the index it searches
 * @param embedder  the embedder used for queries (and ingestion)
 */
public record LuceneStack(Retriever retriever, LuceneIndex index, Embedder embedder) implements AutoCloseable {

    /** The retriever, owning the stack: closing it closes the index too. */
    public Retriever owning() {
        LuceneStack stack = this;
        return new Retriever() {
            @Override
            public java.util.List<Passage> retrieve(String query, int topK) {
                return retriever.retrieve(query, topK);
            }

            @Override
            public Retrieved search(String query, int topK) {
                return retriever.search(query, topK);
            }

            @Override
            public Retrieved search(String query, int topK, SearchFilter filter) {
                return retriever.search(query, topK, filter);
            }

            @Override
            public String name() {
                return retriever.name();
            }

            @Override
            public void close() {
                stack.close();
            }
        };
    }

    @Override
    public void close() {
        try {
            retriever.close();
        } finally {
            index.close();
        }
    }
}
