package dev.ragd.retrieval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ragd.config.ConfigException;
import dev.ragd.config.RagdConfig;
import dev.ragd.config.StatelessConfig;
import dev.ragd.ingest.Chunker;
import dev.ragd.ingest.Ingestor;
import dev.ragd.ingest.SampleCorpusBootstrap;
import dev.ragd.ingest.SourceDocument;
import dev.ragd.testsupport.TestEmbedders;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Opening an index read-only creates, locks and writes nothing, and never ingests the sample corpus. */
class ReadOnlyIndexTest {

    private static final Embedder FAKE = TestEmbedders.fake("fake-ro");

    @TempDir
    Path dataDir;

    private Path indexDir;

    @BeforeEach
    void buildIndex() {
        indexDir = dataDir.resolve("built-index");
        try (LuceneIndex index = LuceneIndex.open(indexDir, FAKE.name(), FAKE.dimension())) {
            Ingestor ingestor = new Ingestor(index, FAKE, new Chunker(1000, 150));
            ingestor.accept(SourceDocument.of("own.md", "Our own page", "The Blue Lamp glows for ten hours."));
            ingestor.finish();
        }
    }

    /** Every file under {@code dir} with its size and modification time (nanoseconds). */
    static Map<String, String> snapshot(Path dir) throws IOException {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.toList()) {
                BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
                files.put(dir.relativize(p).toString(), a.size() + "@" + a.lastModifiedTime().toInstant());
            }
        }
        return files;
    }

    @Test
    void searchingAReadOnlyIndexLeavesEveryFileAsItWasAndTakesNoLock() throws Exception {
        Files.delete(indexDir.resolve("write.lock")); // left by the writer that built it
        Map<String, String> before = snapshot(indexDir);

        try (LuceneIndex index = LuceneIndex.openReadOnly(indexDir, FAKE.name(), FAKE.dimension())) {
            assertThat(index.readOnly()).isTrue();
            assertThat(index.createdNow()).isFalse();
            assertThat(index.chunkCount()).isEqualTo(1);
            assertThat(index.contentHash("own.md")).isPresent();
            assertThat(Files.exists(indexDir.resolve("write.lock"))).isFalse();
            assertThatThrownBy(() -> index.delete("own.md"))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("opened read-only");
            assertThatThrownBy(() -> index.replace("own.md", List.of()))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("opened read-only");
        }

        assertThat(snapshot(indexDir)).isEqualTo(before);
    }

    @Test
    void theEmbedderCheckStillRuns() {
        Embedder other = TestEmbedders.fake("another-embedder");
        assertThatThrownBy(() -> LuceneIndex.openReadOnly(indexDir, other.name(), other.dimension()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("was built with embedder=fake-ro");
    }

    @Test
    void aMissingDirectoryIsNotCreated() {
        Path missing = dataDir.resolve("missing");
        assertThatThrownBy(() -> LuceneIndex.openReadOnly(missing, FAKE.name(), FAKE.dimension()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("no index at " + missing);
        assertThat(missing).doesNotExist();
    }

    @Test
    void statelessRetrievalOpensTheIndexReadOnlyWithoutTheSampleCorpus() throws Exception {
        Map<String, String> before = snapshot(indexDir);
        RagdConfig config = RagdConfig.defaults().withDataDir(dataDir);

        try (LuceneStack stack = Retrieval.open(config, new StatelessConfig(true, indexDir), FAKE)) {
            assertThat(SampleCorpusBootstrap.seedIfNew(stack, config)).isEmpty();
            assertThat(stack.index().readOnly()).isTrue();
            assertThat(stack.index().path()).isEqualTo(indexDir);
            assertThat(stack.index().chunkCount()).as("no sample corpus added").isEqualTo(1);
            assertThat(stack.retriever().retrieve("How long does the Blue Lamp glow?", 3))
                    .extracting(Passage::docId).containsExactly("own.md");
        }

        assertThat(snapshot(indexDir)).isEqualTo(before);
        assertThat(dataDir.resolve("index")).as("the default index dir is not created").doesNotExist();
    }

    @Test
    void statelessRetrievalWithAnEmptyIndexDirectoryFailsNamingRagdIndexDir() throws Exception {
        Path empty = Files.createDirectories(dataDir.resolve("empty"));
        RagdConfig config = RagdConfig.defaults().withDataDir(dataDir);

        assertThatThrownBy(() -> Retrieval.open(config, new StatelessConfig(true, empty), FAKE))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("RAGD_INDEX_DIR=" + empty + " holds no index")
                .hasMessageContaining("ragd ingest");
        assertThat(Files.list(empty)).as("no sample corpus created on the fly").isEmpty();
    }

    @Test
    void statelessRetrievalWithAMissingIndexDirectoryFailsWithoutCreatingIt() {
        Path missing = dataDir.resolve("missing");
        RagdConfig config = RagdConfig.defaults().withDataDir(dataDir);

        assertThatThrownBy(() -> Retrieval.open(config, new StatelessConfig(true, missing), FAKE))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("RAGD_INDEX_DIR=" + missing + " does not exist");
        assertThat(missing).doesNotExist();
    }

    @Test
    void withoutStatelessModeAnIndexDirSettingIsWhereTheSampleCorpusGoes() {
        Path elsewhere = dataDir.resolve("elsewhere");
        RagdConfig config = RagdConfig.defaults().withDataDir(dataDir);

        try (LuceneStack stack = Retrieval.open(config, new StatelessConfig(false, elsewhere), FAKE)) {
            SampleCorpusBootstrap.seedIfNew(stack, config).orElseThrow();
            assertThat(stack.index().readOnly()).isFalse();
            assertThat(stack.index().path()).isEqualTo(elsewhere);
            assertThat(stack.index().chunkCount()).isGreaterThan(60);
        }
    }
}
