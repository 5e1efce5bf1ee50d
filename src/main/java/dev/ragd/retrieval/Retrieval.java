package dev.ragd.retrieval;

import dev.ragd.config.RagdConfig;
import dev.ragd.ingest.Chunker;
import dev.ragd.ingest.IngestStats;
import dev.ragd.ingest.Ingestor;
import dev.ragd.ingest.SampleCorpus;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Opens the retrieval side for the server. */
public final class Retrieval {

    private static final Logger log = LoggerFactory.getLogger(Retrieval.class);

    private Retrieval() {}

    /** The index directory under a data directory. */
    public static Path indexDir(RagdConfig config) {
        return config.dataDir().resolve("index");
    }

    /**
     * Opens {@code dataDir/index} with the configured embedder ({@link Embedders#from}; see
     * {@link #open(RagdConfig, Embedder)}). Blocking (loads the model, may ingest): call it off any
     * event loop.
     */
    public static RetrievalStack open(RagdConfig config) {
        return open(config, Embedders.from(config.llm()));
    }

    /**
     * Opens {@code dataDir/index}; when it holds no index yet, creates one and ingests the bundled
     * sample corpus into it. An existing index (e.g. built by {@code ragd ingest}) is used as is.
     * The write lock is released before returning, so {@code ragd ingest} may update the index
     * while a server searches it (the server sees the change within seconds).
     *
     * @throws IllegalStateException when the index was built by another embedder
     */
    public static RetrievalStack open(RagdConfig config, Embedder embedder) {
        Path dir = indexDir(config);
        LuceneIndex index = LuceneIndex.open(dir, embedder.name(), embedder.dimension());
        try {
            if (index.createdNow()) {
                Ingestor ingestor = new Ingestor(index, embedder, new Chunker(config.chunkChars(), config.chunkOverlap()));
                SampleCorpus.load(ingestor);
                IngestStats stats = ingestor.finish();
                index.closeWriter();
                log.atInfo().addKeyValue("index", dir).addKeyValue("documents", stats.documents())
                        .addKeyValue("chunks", stats.chunks()).addKeyValue("duration_ms", stats.elapsed().toMillis())
                        .log("no index found: created one with the bundled sample corpus (Products, Inc.)");
            }
            return new RetrievalStack(new LuceneRetriever(index, embedder, SearchMode.HYBRID), index, embedder);
        } catch (RuntimeException e) {
            index.close();
            throw e;
        }
    }
}
