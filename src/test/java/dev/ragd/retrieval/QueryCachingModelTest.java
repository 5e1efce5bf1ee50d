package dev.ragd.retrieval;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.output.Response;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class QueryCachingModelTest {

    /** Counts model calls; a vector's first component is the text length. */
    static final class CountingModel implements EmbeddingModel {
        final AtomicInteger calls = new AtomicInteger();

        @Override
        public Response<List<Embedding>> embedAll(List<TextSegment> segments) {
            calls.incrementAndGet();
            return Response.from(segments.stream().map(s -> Embedding.from(new float[] {s.text().length(), 1})).toList());
        }

        @Override
        public int dimension() {
            return 2;
        }
    }

    @Test
    void repeatedQueryIsEmbeddedOnce() {
        CountingModel model = new CountingModel();
        Embedder embedder = new Embedder("counting", model, 2, "").withQueryCache(100);

        float[] first = embedder.embedQuery("What is the warranty of the Cinder Kettle?");
        float[] again = embedder.embedQuery("What is the warranty of the Cinder Kettle?");
        embedder.embedQuery("Do you ship to Canada?");

        assertThat(again).containsExactly(first);
        assertThat(model.calls).hasValue(2);
    }

    @Test
    void passagesAreNeverCached() {
        CountingModel model = new CountingModel();
        Embedder embedder = new Embedder("counting", model, 2, "").withQueryCache(100);

        embedder.embedPassages(List.of("a", "b"));
        embedder.embedPassages(List.of("a", "b"));

        assertThat(model.calls).hasValue(2);
    }

    @Test
    void sizeZeroTurnsTheCacheOff() {
        CountingModel model = new CountingModel();
        Embedder embedder = new Embedder("counting", model, 2, "").withQueryCache(0);

        embedder.embedQuery("q");
        embedder.embedQuery("q");

        assertThat(model.calls).hasValue(2);
    }
}
