package dev.ragd.ingest;

import dev.ragd.config.RagdConfig;
import dev.ragd.retrieval.LuceneIndex;
import dev.ragd.retrieval.LuceneStack;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * First start: fills an index that was just created with the bundled {@link SampleCorpus}, so a
 * fresh data directory answers questions at once. Lives here, not in {@code retrieval/}, because
 * retrieval only opens and searches an index and ingestion writes into it.
 */
public final class SampleCorpusBootstrap {

    private static final Logger log = LoggerFactory.getLogger(SampleCorpusBootstrap.class);

    private SampleCorpusBootstrap() {}

    /**
     * Ingests the sample corpus into {@code stack}'s index when {@link LuceneIndex#createdNow()}
     * (an index opened read-only, or one that existed, e.g. built by {@code ragd ingest}, is left
     * as is), chunked by the configuration's {@code RAGD_CHUNK_*} settings, then releases the write
     * lock so {@code ragd ingest} may update the index while a server searches it. Blocking (embeds
     * every chunk): call it off any event loop. On failure the caller closes {@code stack}.
     *
     * @return what was ingested, or empty when the index was not new
     */
    public static Optional<IngestStats> seedIfNew(LuceneStack stack, RagdConfig config) {
        LuceneIndex index = stack.index();
        if (!index.createdNow()) {
            return Optional.empty();
        }
        IngestStats stats;
        try (Ingestor ingestor = new Ingestor(index, stack.embedder(), new Chunker(config.chunkChars(),
                config.chunkOverlap()))) {
            SampleCorpus.load(ingestor);
            stats = ingestor.finish();
        }
        index.closeWriter();
        log.atInfo().addKeyValue("index", index.path()).addKeyValue("documents", stats.documents())
                .addKeyValue("chunks", stats.chunks()).addKeyValue("duration_ms", stats.elapsed().toMillis())
                .log("no index found: created one with the bundled sample corpus (Products, Inc.)");
        return Optional.of(stats);
    }
}
