package dev.ragd.retrieval;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ragd.config.RagdConfig;
import dev.ragd.ingest.Chunker;
import dev.ragd.ingest.Ingestor;
import dev.ragd.ingest.SourceDocument;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RetrievalTest {

    @TempDir
    Path dataDir;

    @Test
    void anEmptyDataDirGetsTheSampleCorpusAndAnswersAboutIt() {
        RagdConfig config = RagdConfig.defaults().withDataDir(dataDir);
        try (RetrievalStack stack = Retrieval.open(config, TestEmbedders.local())) {
            assertThat(stack.retriever().name()).isEqualTo("lucene-hybrid");
            assertThat(stack.index().chunkCount()).isGreaterThan(60);
            List<Passage> hits = stack.retriever().retrieve("What is the warranty of the Cinder Kettle?", 3);
            assertThat(hits).isNotEmpty();
            assertThat(hits.get(0).docId()).isEqualTo("K-103");
            assertThat(hits.get(0).title()).isEqualTo("Cinder Kettle");
            assertThat(hits.get(0).text()).contains("Warranty: 5 years");
        }
        try (RetrievalStack again = Retrieval.open(config, TestEmbedders.local())) {
            assertThat(again.index().createdNow()).isFalse();
        }
    }

    @Test
    void anExistingIndexIsUsedAsIsWithoutTheSampleCorpus() {
        RagdConfig config = RagdConfig.defaults().withDataDir(dataDir);
        Embedder e = TestEmbedders.local();
        try (LuceneIndex index = LuceneIndex.open(Retrieval.indexDir(config), e.name(), e.dimension())) {
            Ingestor ingestor = new Ingestor(index, e, new Chunker(1000, 150));
            ingestor.accept(SourceDocument.of("own.md", "Our own page", "Nothing about kettles at all."));
            ingestor.finish();
        }
        try (RetrievalStack stack = Retrieval.open(config, e)) {
            assertThat(stack.index().chunkCount()).isEqualTo(1);
            assertThat(stack.retriever().retrieve("Cinder Kettle warranty", 3))
                    .extracting(Passage::docId).containsOnly("own.md");
        }
    }
}
