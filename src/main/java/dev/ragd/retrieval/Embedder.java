package dev.ragd.retrieval;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import java.util.List;
import java.util.Objects;

/**
 * An embedding model with the name recorded in the index that it builds, its vector dimension and
 * the prefix it wants in front of search queries (BGE models are trained with one).
 *
 * <p>Thread-safe when the model is (the in-process ONNX models are).
 *
 * @param name        stable name written into the index, e.g. {@code bge-small-en-v15-q}
 * @param model       the LangChain4j model
 * @param dimension   vector length the model produces
 * @param queryPrefix text put in front of queries (not passages) before embedding; may be empty
 */
public record Embedder(String name, EmbeddingModel model, int dimension, String queryPrefix) {

    public Embedder {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(model, "model");
        queryPrefix = queryPrefix == null ? "" : queryPrefix;
        if (dimension <= 0) {
            throw new IllegalArgumentException("dimension must be positive, was " + dimension);
        }
    }

    /** This embedder with another query prefix (for measurements). */
    public Embedder withQueryPrefix(String prefix) {
        return new Embedder(name, model, dimension, prefix);
    }

    /**
     * This embedder remembering the vectors of up to {@code maxQueries} recent search queries
     * ({@code RAGD_QUERY_CACHE_SIZE}); 0 returns it unchanged.
     */
    public Embedder withQueryCache(int maxQueries) {
        return maxQueries <= 0 ? this : new Embedder(name, new QueryCachingModel(model, maxQueries), dimension, queryPrefix);
    }

    /** The vector of a search query, with the query prefix in front. */
    public float[] embedQuery(String query) {
        return model.embed(queryPrefix + query).content().vector();
    }

    /** The vectors of passages, in order; one model call for the whole list. */
    public List<float[]> embedPassages(List<String> passages) {
        if (passages.isEmpty()) {
            return List.of();
        }
        List<TextSegment> segments = passages.stream().map(TextSegment::from).toList();
        List<Embedding> out = model.embedAll(segments).content();
        if (out.size() != passages.size()) {
            throw new IllegalStateException("embedder " + name + " returned " + out.size()
                    + " vectors for " + passages.size() + " passages");
        }
        return out.stream().map(Embedding::vector).toList();
    }
}
