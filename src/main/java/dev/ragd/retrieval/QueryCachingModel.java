package dev.ragd.retrieval;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.output.Response;
import java.util.List;

/**
 * Remembers the vectors of recent search queries. Users (and load tests) ask the same questions
 * again and again; embedding one costs ~15 ms of CPU in-process or a round trip to a hosted model,
 * looking it up costs nothing. Passages ({@link #embedAll}) are never cached. Thread-safe.
 */
final class QueryCachingModel implements EmbeddingModel {

    private final EmbeddingModel model;
    private final Cache<String, Embedding> queries;

    QueryCachingModel(EmbeddingModel model, int maxQueries) {
        this.model = model;
        this.queries = Caffeine.newBuilder().maximumSize(maxQueries).build();
    }

    @Override
    public Response<Embedding> embed(String text) {
        return Response.from(queries.get(text, t -> model.embed(t).content()));
    }

    @Override
    public Response<List<Embedding>> embedAll(List<TextSegment> segments) {
        return model.embedAll(segments);
    }

    @Override
    public int dimension() {
        return model.dimension();
    }

    long cachedQueries() {
        return queries.estimatedSize();
    }
}
