package dev.ragd.retrieval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ragd.testsupport.TestEmbedders;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.store.FSDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LuceneIndexTest {

    @TempDir
    Path dir;

    private static Chunk chunk(String docId, int n, String text, int dim) {
        float[] v = new float[dim];
        v[n % dim] = 1f;
        return new Chunk(docId + "#" + n, docId, "Title " + docId, text, "https://example.test/" + docId, "h1", v);
    }

    @Test
    void recordsTheEmbedderAndDimensionInTheCommit() throws Exception {
        try (LuceneIndex index = LuceneIndex.open(dir, "bge-small-en-v15-q", 4)) {
            assertThat(index.createdNow()).isTrue();
        }
        try (FSDirectory d = FSDirectory.open(dir)) {
            Map<String, String> data = SegmentInfos.readLatestCommit(d).getUserData();
            assertThat(data).containsEntry("embedder", "bge-small-en-v15-q").containsEntry("dimension", "4")
                    .containsEntry("analyzer", "english");
        }
    }

    @Test
    void refusesToOpenAnIndexBuiltByAnotherEmbedderNamingBoth() {
        LuceneIndex.open(dir, "bge-small-en-v15-q", 384).close();
        assertThatThrownBy(() -> LuceneIndex.open(dir, "openai-text-embedding-3-small", 1536))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("embedder=bge-small-en-v15-q")
                .hasMessageContaining("embedder=openai-text-embedding-3-small");
    }

    @Test
    void refusesToOpenWithTheSameEmbedderNameButAnotherDimension() {
        LuceneIndex.open(dir, "e", 8).close();
        assertThatThrownBy(() -> LuceneIndex.open(dir, "e", 16))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("dimension 8").hasMessageContaining("dimension 16");
    }

    @Test
    void reopensAnExistingIndexWithItsChunks() {
        try (LuceneIndex index = LuceneIndex.open(dir, "e", 4)) {
            index.replace("a", List.of(chunk("a", 0, "alpha text", 4), chunk("a", 1, "more alpha", 4)));
            index.commit();
            assertThat(index.chunkCount()).isEqualTo(2);
        }
        try (LuceneIndex index = LuceneIndex.open(dir, "e", 4)) {
            assertThat(index.createdNow()).isFalse();
            assertThat(index.chunkCount()).isEqualTo(2);
            assertThat(index.contentHash("a")).contains("h1");
            assertThat(index.contentHash("b")).isEmpty();
        }
    }

    @Test
    void replaceSwapsEveryChunkOfADocumentAndDeleteRemovesThem() {
        try (LuceneIndex index = LuceneIndex.open(dir, "e", 4)) {
            index.replace("a", List.of(chunk("a", 0, "one", 4), chunk("a", 1, "two", 4), chunk("a", 2, "three", 4)));
            index.replace("b", List.of(chunk("b", 0, "bee", 4)));
            index.commit();
            index.replace("a", List.of(chunk("a", 0, "only", 4)));
            index.commit();
            assertThat(index.chunkCount()).isEqualTo(2);
            assertThat(index.delete("a")).isTrue();
            index.commit();
            assertThat(index.chunkCount()).isEqualTo(1);
            assertThat(index.delete("a")).isFalse();
        }
    }

    @Test
    void storesAndSearchesVectorsWiderThanLucenesDefaultLimit() {
        try (LuceneIndex index = LuceneIndex.open(dir, "wide", 1536)) {
            index.replace("a", List.of(chunk("a", 0, "alpha", 1536)));
            index.replace("b", List.of(chunk("b", 7, "beta", 1536)));
            index.commit();
            float[] q = new float[1536];
            q[7] = 1f;
            var top = index.search(s -> s.search(new org.apache.lucene.search.KnnFloatVectorQuery(LuceneIndex.VECTOR, q, 1), 1));
            assertThat(top.scoreDocs).hasSize(1);
            String docId = index.search(s -> s.storedFields().document(top.scoreDocs[0].doc).get(LuceneIndex.DOC_ID));
            assertThat(docId).isEqualTo("b");
        }
    }

    @Test
    void rejectsAChunkWhoseVectorHasTheWrongDimension() {
        try (LuceneIndex index = LuceneIndex.open(dir, "e", 4)) {
            assertThatThrownBy(() -> index.replace("a", List.of(chunk("a", 0, "x", 3))))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("3 dimensions");
        }
    }

    @Test
    void searchesRunSafelyWhileAnotherThreadWritesAndCommits() throws Exception {
        Embedder fake = TestEmbedders.fake("fake");
        try (LuceneIndex index = LuceneIndex.open(dir, fake.name(), fake.dimension());
             var pool = java.util.concurrent.Executors.newFixedThreadPool(4)) {
            LuceneRetriever retriever = new LuceneRetriever(index, fake, SearchMode.HYBRID);
            var writer = pool.submit(() -> {
                for (int i = 0; i < 200; i++) {
                    float[] v = fake.embedPassages(List.of("teapot number " + i)).get(0);
                    index.replace("d" + i, List.of(new Chunk("d" + i + "#0", "d" + i, "Teapot " + i,
                            "teapot number " + i, null, "h", v)));
                    if (i % 20 == 19) {
                        index.commit();
                    }
                }
                index.commit();
                return null;
            });
            List<java.util.concurrent.Future<Integer>> readers = new java.util.ArrayList<>();
            for (int r = 0; r < 3; r++) {
                readers.add(pool.submit(() -> {
                    int found = 0;
                    while (!writer.isDone()) {
                        List<Passage> hits = retriever.retrieve("teapot", 5);
                        assertThat(hits).hasSizeLessThanOrEqualTo(5);
                        found = Math.max(found, hits.size());
                    }
                    return found;
                }));
            }
            writer.get();
            for (var reader : readers) {
                reader.get();
            }
            assertThat(index.chunkCount()).isEqualTo(200);
            assertThat(retriever.retrieve("teapot", 5)).hasSize(5);
        }
    }

    @Test
    void severalThreadsWriteAtOnceWhileAnotherCommitsAndNoChunkIsLost() throws Exception {
        Embedder fake = TestEmbedders.fake("fake");
        try (LuceneIndex index = LuceneIndex.open(dir, fake.name(), fake.dimension());
             var pool = java.util.concurrent.Executors.newFixedThreadPool(5)) {
            var done = new java.util.concurrent.atomic.AtomicBoolean();
            var committer = pool.submit(() -> {
                while (!done.get()) {
                    index.commit();
                }
                return null;
            });
            List<java.util.concurrent.Future<?>> writers = new java.util.ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int thread = t;
                writers.add(pool.submit(() -> {
                    for (int i = 0; i < 250; i++) {
                        String id = "t" + thread + "-" + i;
                        index.replace(id, List.of(chunk(id, 0, "teapot " + id, fake.dimension()),
                                chunk(id, 1, "lid of " + id, fake.dimension())));
                    }
                    return null;
                }));
            }
            for (var w : writers) {
                w.get();
            }
            done.set(true);
            committer.get();
            index.commit();

            assertThat(index.chunkCount()).isEqualTo(4 * 250 * 2);
            assertThat(index.contentHash("t3-249")).contains("h1");
        }
    }

    @Test
    void aWriteAfterCloseIsRefusedAndLeavesNoLockBehind() {
        LuceneIndex index = LuceneIndex.open(dir, "e", 4);
        index.close();

        assertThatThrownBy(() -> index.replace("a", List.of(chunk("a", 0, "late", 4))))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("is closed");
        try (LuceneIndex again = LuceneIndex.open(dir, "e", 4)) {
            again.replace("b", List.of(chunk("b", 0, "on time", 4)));
            again.commit();
            assertThat(again.chunkCount()).isEqualTo(1);
        }
    }

    @Test
    void aSecondWriterIsToldTheIndexIsLocked() {
        try (LuceneIndex first = LuceneIndex.open(dir, "e", 4); LuceneIndex second = LuceneIndex.open(dir, "e", 4)) {
            first.replace("a", List.of(chunk("a", 0, "x", 4)));
            assertThatThrownBy(() -> second.replace("b", List.of(chunk("b", 0, "y", 4))))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("locked");
        }
    }
}
