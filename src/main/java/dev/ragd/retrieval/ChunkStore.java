package dev.ragd.retrieval;

import java.util.List;
import java.util.Optional;

/**
 * Where ingestion writes chunks: the embedded Lucene index, or a search service's index.
 *
 * <p>Contract: one writer at a time (not thread-safe). {@link #replace} and {@link #delete} may be
 * buffered; after {@link #commit()} returns, every change before it is stored, or commit threw
 * naming the documents that could not be stored. {@link #contentHash} answers from the last commit
 * (and from changes already stored by then).
 */
public interface ChunkStore extends AutoCloseable {

    /** The embedder the stored vectors come from; empty when the store does not record it. */
    String embedderName();

    /** The vectors' dimension. */
    int dimension();

    /** The content hash stored for {@code docId}, if the document is stored. */
    Optional<String> contentHash(String docId);

    /** Replaces every chunk of {@code docId} with {@code chunks}. */
    void replace(String docId, List<Chunk> chunks);

    /** Removes every chunk of {@code docId}; true when the store held it. */
    boolean delete(String docId);

    /** Makes every change so far durable and visible to searches. */
    void commit();

    /** Releases the store (changes not committed may be lost). */
    @Override
    void close();
}
