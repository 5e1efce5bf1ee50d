package dev.ragd.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ragd.config.RagdConfig;
import dev.ragd.retrieval.Embedder;
import dev.ragd.retrieval.LuceneIndex;
import dev.ragd.retrieval.Passage;
import dev.ragd.retrieval.Retrieval;
import dev.ragd.retrieval.LuceneStack;
import dev.ragd.testsupport.TestEmbedders;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SampleCorpusBootstrapTest {

    @TempDir
    Path dataDir;

    @Test
    void aNewIndexGetsTheSampleCorpusAndAnswersAboutIt() {
        RagdConfig config = RagdConfig.defaults().withDataDir(dataDir);
        try (LuceneStack stack = Retrieval.open(config, TestEmbedders.local())) {
            IngestStats stats = SampleCorpusBootstrap.seedIfNew(stack, config).orElseThrow();
            assertThat(stats.chunks()).isEqualTo(stack.index().chunkCount()).isGreaterThan(60);
            List<Passage> hits = stack.retriever().retrieve("What is the warranty of the Cinder Kettle?", 3);
            assertThat(hits).isNotEmpty();
            assertThat(hits.get(0).docId()).isEqualTo("K-103");
            assertThat(hits.get(0).title()).isEqualTo("Cinder Kettle");
            assertThat(hits.get(0).text()).contains("Warranty: 5 years");
        }
        try (LuceneStack again = Retrieval.open(config, TestEmbedders.local())) {
            int chunks = again.index().chunkCount();
            assertThat(SampleCorpusBootstrap.seedIfNew(again, config)).isEmpty();
            assertThat(again.index().chunkCount()).isEqualTo(chunks);
        }
    }

    @Test
    void anExistingIndexIsUsedAsIsWithoutTheSampleCorpus() {
        RagdConfig config = RagdConfig.defaults().withDataDir(dataDir);
        Embedder e = TestEmbedders.fake("fake-hash");
        try (LuceneIndex index = LuceneIndex.open(Retrieval.indexDir(config), e.name(), e.dimension())) {
            Ingestor ingestor = new Ingestor(index, e, new Chunker(1000, 150));
            ingestor.accept(SourceDocument.of("own.md", "Our own page", "Nothing about kettles at all."));
            ingestor.finish();
        }
        try (LuceneStack stack = Retrieval.open(config, e)) {
            assertThat(SampleCorpusBootstrap.seedIfNew(stack, config)).isEmpty();
            assertThat(stack.index().chunkCount()).isEqualTo(1);
            assertThat(stack.retriever().retrieve("Cinder Kettle warranty", 3))
                    .extracting(Passage::docId).containsOnly("own.md");
        }
    }

    @Test
    void afterSeedingAnotherWriterMayUpdateTheIndexWhileItIsSearched() {
        RagdConfig config = RagdConfig.defaults().withDataDir(dataDir);
        Embedder e = TestEmbedders.fake("fake-hash");
        try (LuceneStack stack = Retrieval.open(config, e)) {
            SampleCorpusBootstrap.seedIfNew(stack, config).orElseThrow();
            try (LuceneIndex writer = LuceneIndex.open(Retrieval.indexDir(config), e.name(), e.dimension())) {
                Ingestor ingestor = new Ingestor(writer, e, new Chunker(1000, 150));
                ingestor.accept(SourceDocument.of("late.md", "Added later", "A page added by ragd ingest."));
                assertThat(ingestor.finish().documents()).isEqualTo(1);
            }
        }
    }
}
