package dev.ragd.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ragd.retrieval.Embedder;
import dev.ragd.retrieval.LuceneIndex;
import dev.ragd.retrieval.LuceneRetriever;
import dev.ragd.retrieval.Passage;
import dev.ragd.retrieval.SearchMode;
import dev.ragd.testsupport.TestEmbedders;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IngestorTest {

    @TempDir
    Path dir;

    private final Embedder embedder = TestEmbedders.fake("fake-hash");

    private IngestStats ingest(LuceneIndex index, SourceDocument... docs) {
        Ingestor ingestor = new Ingestor(index, embedder, new Chunker(100, 20), 2, Ingestor.DEFAULT_IN_FLIGHT);
        for (SourceDocument d : docs) {
            ingestor.accept(d);
        }
        return ingestor.finish();
    }

    private static List<Passage> search(LuceneIndex index, Embedder e, String q) {
        return new LuceneRetriever(index, e, SearchMode.KEYWORD).retrieve(q, 10);
    }

    @Test
    void indexesEveryChunkOfEachDocument() {
        try (LuceneIndex index = LuceneIndex.open(dir, embedder.name(), embedder.dimension())) {
            String longText = "The kettle boils water quickly. ".repeat(10);
            IngestStats s = ingest(index, SourceDocument.of("a", "A", longText), SourceDocument.of("b", "B", "Short."));
            assertThat(s.documents()).isEqualTo(2);
            assertThat(s.chunks()).isGreaterThan(3).isEqualTo(index.chunkCount());
            assertThat(search(index, embedder, "kettle")).extracting(Passage::chunkId).contains("a#0", "a#1");
        }
    }

    @Test
    void skipsADocumentWhoseContentIsUnchanged() {
        try (LuceneIndex index = LuceneIndex.open(dir, embedder.name(), embedder.dimension())) {
            ingest(index, SourceDocument.of("a", "A", "Alpha text."));
            IngestStats again = ingest(index, SourceDocument.of("a", "A", "Alpha text."));
            assertThat(again.skipped()).isEqualTo(1);
            assertThat(again.documents()).isZero();
            assertThat(index.chunkCount()).isEqualTo(1);
        }
    }

    @Test
    void replacesTheChunksOfAChangedDocument() {
        try (LuceneIndex index = LuceneIndex.open(dir, embedder.name(), embedder.dimension())) {
            ingest(index, SourceDocument.of("a", "A", "Old words about lamps. ".repeat(12)));
            int before = index.chunkCount();
            IngestStats s = ingest(index, SourceDocument.of("a", "A", "New words about chairs."));
            assertThat(before).isGreaterThan(1);
            assertThat(s.documents()).isEqualTo(1);
            assertThat(index.chunkCount()).isEqualTo(1);
            assertThat(search(index, embedder, "lamps")).isEmpty();
            assertThat(search(index, embedder, "chairs")).extracting(Passage::docId).containsExactly("a");
        }
    }

    @Test
    void removesADocumentMarkedDeleted() {
        try (LuceneIndex index = LuceneIndex.open(dir, embedder.name(), embedder.dimension())) {
            ingest(index, SourceDocument.of("a", "A", "Alpha."), SourceDocument.of("b", "B", "Beta."));
            IngestStats s = ingest(index, new SourceDocument("a", "A", "Alpha.", null, true),
                    new SourceDocument("never-seen", "N", "x", null, true));
            assertThat(s.removed()).isEqualTo(1);
            assertThat(index.chunkCount()).isEqualTo(1);
            assertThat(search(index, embedder, "alpha")).isEmpty();
        }
    }

    @Test
    void refusesAnEmbedderOtherThanTheIndexOne() {
        try (LuceneIndex index = LuceneIndex.open(dir, "another", embedder.dimension())) {
            assertThatThrownBy(() -> new Ingestor(index, embedder, new Chunker(100, 10)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("another")
                    .hasMessageContaining("fake-hash");
        }
    }

    @Test
    void summarisesItsCounts() {
        assertThat(new IngestStats(3, 7, 1, 2, java.time.Duration.ofMillis(1250)).summary())
                .isEqualTo("documents=3 chunks=7 skipped=1 removed=2 seconds=1.25");
    }

    /** Embeds as the fake does, after {@code delayMs} for texts containing "slow"; fails on "poison"; tracks concurrency. */
    private static final class Slow implements dev.langchain4j.model.embedding.EmbeddingModel {
        final java.util.concurrent.atomic.AtomicInteger now = new java.util.concurrent.atomic.AtomicInteger();
        final java.util.concurrent.atomic.AtomicInteger max = new java.util.concurrent.atomic.AtomicInteger();
        final java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
        final long delayMs;
        final Embedder inner = TestEmbedders.fake("fake-hash");

        Slow(long delayMs) {
            this.delayMs = delayMs;
        }

        @Override
        public dev.langchain4j.model.output.Response<List<dev.langchain4j.data.embedding.Embedding>> embedAll(
                List<dev.langchain4j.data.segment.TextSegment> segments) {
            calls.incrementAndGet();
            max.accumulateAndGet(now.incrementAndGet(), Math::max);
            try {
                if (segments.stream().anyMatch(t -> t.text().contains("poison"))) {
                    throw new IllegalStateException("the model choked on poison");
                }
                if (segments.stream().anyMatch(t -> t.text().contains("slow"))) {
                    Thread.sleep(delayMs);
                }
                return inner.model().embedAll(segments);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            } finally {
                now.decrementAndGet();
            }
        }
    }

    private Ingestor concurrent(LuceneIndex index, Slow model, int inFlight) {
        return new Ingestor(index, new Embedder("fake-hash", model, embedder.dimension(), ""), new Chunker(100, 20), 1,
                inFlight);
    }

    @Test
    void embedsUpToInFlightBatchesAtOnceAndStoresEveryOne() {
        Slow model = new Slow(150);
        try (LuceneIndex index = LuceneIndex.open(dir, embedder.name(), embedder.dimension())) {
            Ingestor ingestor = concurrent(index, model, 3);
            for (int i = 0; i < 9; i++) {
                ingestor.accept(SourceDocument.of("d" + i, "D", "slow text number w" + i));
            }
            IngestStats s = ingestor.finish();

            assertThat(model.max).hasValue(3);
            assertThat(s.documents()).isEqualTo(9);
            assertThat(index.chunkCount()).isEqualTo(9);
            assertThat(search(index, embedder, "w7")).extracting(Passage::docId).containsExactly("d7");
        }
    }

    @Test
    void aDocumentMetAgainWhileItsEarlierVersionIsBeingEmbeddedEndsAsTheLaterVersion() {
        Slow model = new Slow(300);
        try (LuceneIndex index = LuceneIndex.open(dir, embedder.name(), embedder.dimension())) {
            Ingestor ingestor = concurrent(index, model, 2);
            ingestor.accept(SourceDocument.of("a", "A", "slow old lamps"));
            ingestor.accept(SourceDocument.of("a", "A", "new chairs"));
            ingestor.finish();

            assertThat(search(index, embedder, "lamps")).isEmpty();
            assertThat(search(index, embedder, "chairs")).extracting(Passage::docId).containsExactly("a");
        }
    }

    @Test
    void aDeleteOfADocumentBeingEmbeddedRemovesIt() {
        Slow model = new Slow(300);
        try (LuceneIndex index = LuceneIndex.open(dir, embedder.name(), embedder.dimension())) {
            Ingestor ingestor = concurrent(index, model, 2);
            ingestor.accept(SourceDocument.of("a", "A", "slow lamps"));
            ingestor.accept(new SourceDocument("a", "A", "slow lamps", null, true));
            ingestor.finish();

            assertThat(index.chunkCount()).isZero();
        }
    }

    @Test
    void aFailedBatchFailsTheIngestionAndNothingMoreIsEmbedded() {
        Slow model = new Slow(50);
        try (LuceneIndex index = LuceneIndex.open(dir, embedder.name(), embedder.dimension())) {
            Ingestor ingestor = concurrent(index, model, 1);
            ingestor.accept(SourceDocument.of("p", "P", "poison"));
            assertThatThrownBy(() -> {
                for (int i = 0; i < 5; i++) {
                    ingestor.accept(SourceDocument.of("d" + i, "D", "slow text " + i));
                }
                ingestor.finish();
            }).hasMessageContaining("the model choked on poison");
            assertThat(model.calls).hasValue(1);
            assertThat(index.chunkCount()).isZero();
        }
    }

    @Test
    void aDocumentDeletedAndReadAgainUnchangedInOneRunIsStored() {
        try (LuceneIndex index = LuceneIndex.open(dir, embedder.name(), embedder.dimension())) {
            ingest(index, SourceDocument.of("a", "A", "Alpha text."));
            ingest(index, new SourceDocument("a", "A", "Alpha text.", null, true), SourceDocument.of("a", "A", "Alpha text."));

            assertThat(index.chunkCount()).isEqualTo(1);
        }
    }

    @Test
    void aDocumentChangedAndChangedBackInOneRunEndsAsItsLastVersion() {
        try (LuceneIndex index = LuceneIndex.open(dir, embedder.name(), embedder.dimension())) {
            ingest(index, SourceDocument.of("a", "A", "Old lamps."));
            ingest(index, SourceDocument.of("a", "A", "New chairs."), SourceDocument.of("a", "A", "Old lamps."));

            assertThat(search(index, embedder, "chairs")).isEmpty();
            assertThat(search(index, embedder, "lamps")).extracting(Passage::docId).containsExactly("a");
        }
    }

    @Test
    void closingAnUnfinishedIngestionStopsABatchWaitingForAHostedModel() throws Exception {
        var called = new java.util.concurrent.CountDownLatch(1);
        dev.langchain4j.model.embedding.EmbeddingModel refusing = segments -> {
            called.countDown();
            throw new dev.langchain4j.exception.RateLimitException("slow down");
        };
        Embedder patient = new Embedder("fake-hash", new dev.ragd.retrieval.PatientEmbeddingModel(refusing, null),
                embedder.dimension(), "");
        try (LuceneIndex index = LuceneIndex.open(dir, embedder.name(), embedder.dimension())) {
            Ingestor ingestor = new Ingestor(index, patient, new Chunker(100, 20), 1, 2);
            ingestor.accept(SourceDocument.of("a", "A", "Alpha."));
            assertThat(called.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();

            long start = System.nanoTime();
            ingestor.close();

            // the back-off would wait for minutes; the close ends it
            assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(5_000);
            assertThatThrownBy(ingestor::finish).hasMessageContaining("stopped before it finished");
            assertThat(index.chunkCount()).isZero();
        }
    }
}
