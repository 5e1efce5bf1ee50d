package dev.ragd.retrieval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import dev.ragd.ingest.Chunker;
import dev.ragd.ingest.Ingestor;
import dev.ragd.ingest.SourceDocument;
import dev.ragd.testsupport.TestEmbedders;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** {@link LuceneRetriever} in each search mode passes the {@link RetrieverContract}. */
class LuceneRetrieverTest {

    /** A retriever over a fresh index of {@code docs}; closing it closes the index. */
    static Retriever build(List<RetrieverContract.Doc> docs, Path dir, SearchMode mode) {
        Embedder embedder = TestEmbedders.local();
        LuceneIndex index = LuceneIndex.open(dir.resolve("index"), embedder.name(), embedder.dimension());
        Ingestor ingestor = new Ingestor(index, embedder, new Chunker(1000, 150));
        docs.forEach(d -> ingestor.accept(SourceDocument.of(d.id(), d.title(), d.text())));
        ingestor.finish();
        index.closeWriter();
        return new LuceneStack(new LuceneRetriever(index, embedder, mode), index, embedder).owning();
    }

    @Nested
    class Keyword extends RetrieverContract {
        @Override
        protected Retriever createRetriever(List<Doc> docs, Path dir) {
            return build(docs, dir, SearchMode.KEYWORD);
        }

        @Test
        void matchesAnotherFormOfTheWordAfterStemming() {
            try (Retriever r = build(DOCS, tempDir.resolve("s"), SearchMode.KEYWORD)) {
                assertThat(r.name()).isEqualTo("lucene-keyword");
                assertThat(r.retrieve("refunds", 1)).extracting(Passage::docId).containsExactly("returns");
            }
        }

        @Test
        void findsNothingWhenNoTermMatches() {
            try (Retriever r = build(DOCS, tempDir.resolve("n"), SearchMode.KEYWORD)) {
                assertThat(r.retrieve("xylophone quasar", 3)).isEmpty();
            }
        }
    }

    @Nested
    class Vector extends RetrieverContract {
        @Override
        protected Retriever createRetriever(List<Doc> docs, Path dir) {
            return build(docs, dir, SearchMode.VECTOR);
        }

        @Test
        void findsAParaphraseWithNoSharedWords() {
            try (Retriever r = build(DOCS, tempDir.resolve("p"), SearchMode.VECTOR)) {
                assertThat(r.name()).isEqualTo("lucene-vector");
                // shares no word with the shipping text, only meaning
                assertThat(r.retrieve("when will my parcel be delivered", 1))
                        .extracting(Passage::docId).containsExactly("shipping");
            }
        }
    }

    @Nested
    class Hybrid extends RetrieverContract {
        @Override
        protected Retriever createRetriever(List<Doc> docs, Path dir) {
            return build(docs, dir, SearchMode.HYBRID);
        }

        @Test
        void scoresTheTopHitByReciprocalRankFusionOfBothLists() {
            try (Retriever r = build(DOCS, tempDir.resolve("h"), SearchMode.HYBRID)) {
                assertThat(r.name()).isEqualTo("lucene-hybrid");
                List<Passage> hits = r.retrieve("Quokka umbrella", 1);
                assertThat(hits).extracting(Passage::docId).containsExactly("umbrella");
                // first in both lists: keyword 1.0/(60+1) + vector 1.1/(60+1)
                assertThat(hits.get(0).score()).isCloseTo(2.1 / 61, offset(1e-9));
            }
        }
    }
}
