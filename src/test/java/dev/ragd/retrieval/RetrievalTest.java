package dev.ragd.retrieval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ragd.config.ConfigException;
import dev.ragd.config.RagdConfig;
import dev.ragd.ingest.Chunker;
import dev.ragd.ingest.Ingestor;
import dev.ragd.ingest.SourceDocument;
import dev.ragd.testsupport.TestEmbedders;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Opening the index; filling a new one with the sample corpus is {@code SampleCorpusBootstrapTest}'s. */
class RetrievalTest {

    @TempDir
    Path dataDir;

    private final Embedder embedder = TestEmbedders.fake("fake-hash");

    @Test
    void anEmptyDataDirGetsANewEmptyIndexSearchedByTheHybridRetriever() {
        RagdConfig config = RagdConfig.defaults().withDataDir(dataDir);
        try (LuceneStack stack = Retrieval.open(config, embedder)) {
            assertThat(stack.retriever().name()).isEqualTo("lucene-hybrid");
            assertThat(stack.index().createdNow()).isTrue();
            assertThat(stack.index().chunkCount()).isZero();
            assertThat(stack.index().path()).isEqualTo(Retrieval.indexDir(config));
        }
        try (LuceneStack again = Retrieval.open(config, embedder)) {
            assertThat(again.index().createdNow()).isFalse();
        }
    }

    @Test
    void anExistingIndexIsUsedAsIs() {
        RagdConfig config = RagdConfig.defaults().withDataDir(dataDir);
        try (LuceneIndex index = LuceneIndex.open(Retrieval.indexDir(config), embedder.name(), embedder.dimension())) {
            Ingestor ingestor = new Ingestor(index, embedder, new Chunker(1000, 150));
            ingestor.accept(SourceDocument.of("own.md", "Our own page", "Nothing about kettles at all."));
            ingestor.finish();
        }
        try (LuceneStack stack = Retrieval.open(config, embedder)) {
            assertThat(stack.index().createdNow()).isFalse();
            assertThat(stack.index().chunkCount()).isEqualTo(1);
            assertThat(stack.retriever().retrieve("kettles", 3)).extracting(Passage::docId).containsOnly("own.md");
        }
    }

    @Test
    void theLoadedEmbedderIsTheConfiguredOneAndItsFailureReachesTheWaiterUnwrapped() {
        RagdConfig config = RagdConfig.defaults().withDataDir(dataDir);
        CompletableFuture<Embedder> loading = Retrieval.loadEmbedder(config);
        assertThat(Retrieval.await(loading).name()).isEqualTo(Embedders.LOCAL_NAME);

        CompletableFuture<Embedder> failing = CompletableFuture.supplyAsync(() -> {
            throw new ConfigException("RAGD_EMBEDDINGS: broken on purpose");
        });
        assertThatThrownBy(() -> Retrieval.await(failing)).isExactlyInstanceOf(ConfigException.class)
                .hasMessage("RAGD_EMBEDDINGS: broken on purpose");
    }
}
