package dev.ragd.retrieval;

import dev.ragd.config.ConfigException;
import dev.ragd.config.RagdConfig;
import dev.ragd.config.StatelessConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Opens the retrieval side for the server. */
public final class Retrieval {

    private static final Logger log = LoggerFactory.getLogger(Retrieval.class);

    private Retrieval() {}

    /** The index directory: {@code RAGD_INDEX_DIR}, or {@code index} under the data directory. */
    public static Path indexDir(RagdConfig config) {
        return config.stateless().indexDir(config.dataDir());
    }

    /**
     * Opens the index where the configuration says ({@code RAGD_INDEX_DIR}, default
     * {@code dataDir/index}) with the configured embedder ({@link Embedders#from}), honouring
     * {@code RAGD_STATELESS}. Blocking (loads the model): call it off any event loop.
     */
    public static LuceneStack open(RagdConfig config) {
        return open(config, config.stateless(), embedder(config));
    }

    /** The configured embedder ({@link Embedders#from}) with the query cache. Blocking: loads the model. */
    public static Embedder embedder(RagdConfig config) {
        return Embedders.from(config.llm()).withQueryCache(config.queryCacheSize());
    }

    /**
     * Starts {@link #embedder(RagdConfig)} on a thread of its own and returns at once. The local
     * model's load (its native library and session) is the longest single step of a start; a server
     * overlaps it with its other startup work and waits with {@link #await}.
     */
    public static CompletableFuture<Embedder> loadEmbedder(RagdConfig config) {
        if (!needsEmbedder(config)) {
            return CompletableFuture.completedFuture(null);
        }
        return CompletableFuture.supplyAsync(() -> embedder(config),
                task -> Thread.ofPlatform().name("ragd-embedder-load").daemon().start(task));
    }

    /**
     * False when no query is embedded by ragd: Azure AI Search with keyword queries only, or with
     * the index's own vectorizer ({@code RAGD_SEARCH_VECTORIZE=service}).
     */
    public static boolean needsEmbedder(RagdConfig config) {
        return !config.search().azure()
                || (config.search().usesVectors() && "client".equals(config.search().integratedVectorization()));
    }

    /** The embedder {@link #loadEmbedder} loaded (null when none was needed); its failure rethrown as it was thrown. */
    public static Embedder await(CompletableFuture<Embedder> loading) {
        try {
            return loading.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw e;
        }
    }

    /** {@link #open(RagdConfig, StatelessConfig, Embedder)} with the configuration's stateless settings. */
    public static LuceneStack open(RagdConfig config, Embedder embedder) {
        return open(config, config.stateless(), embedder);
    }

    /**
     * Opens the index in {@code stateless.indexDir(dataDir)} ({@code RAGD_INDEX_DIR}, default
     * {@code dataDir/index}).
     *
     * <p>In stateless mode ({@code RAGD_STATELESS=true}), or when this process cannot write the
     * directory (a read-only mount), the index is opened read-only ({@link LuceneIndex#openReadOnly}):
     * nothing is created, locked or written; a missing or empty index fails with a
     * {@link ConfigException} naming {@code RAGD_INDEX_DIR}.
     *
     * <p>Otherwise, when the directory holds no index yet, creates an empty one
     * ({@link LuceneIndex#createdNow()}; filling it, e.g. with the sample corpus, is the caller's).
     * An existing index (e.g. built by {@code ragd ingest}) is used as is. No write lock is held on
     * return, so {@code ragd ingest} may update the index while a server searches it (the server
     * sees the change within seconds).
     *
     * @throws IllegalStateException when the index was built by another embedder
     */
    public static LuceneStack open(RagdConfig config, StatelessConfig stateless, Embedder embedder) {
        Path dir = stateless.indexDir(config.dataDir());
        if (stateless.enabled() || readOnlyDirectory(dir)) {
            return openReadOnly(dir, stateless.enabled(), embedder);
        }
        LuceneIndex index = LuceneIndex.open(dir, embedder.name(), embedder.dimension(), TextAnalysis.ENGLISH,
                VectorFormat.of(config.search().vectorFormat()));
        try {
            return new LuceneStack(new LuceneRetriever(index, embedder, SearchMode.HYBRID), index, embedder);
        } catch (RuntimeException e) {
            index.close();
            throw e;
        }
    }

    /** A read-only mount or a directory this process may not write (no probe file: no side effect). */
    private static boolean readOnlyDirectory(Path dir) {
        try {
            return Files.isDirectory(dir) && (Files.getFileStore(dir).isReadOnly() || !Files.isWritable(dir));
        } catch (IOException e) {
            return false;
        }
    }

    private static LuceneStack openReadOnly(Path dir, boolean stateless, Embedder embedder) {
        if (!LuceneIndex.exists(dir)) {
            String why = Files.isDirectory(dir) ? " holds no index" : " does not exist";
            throw new ConfigException("RAGD_INDEX_DIR=" + dir + why
                    + (stateless ? " (RAGD_STATELESS=true never creates one)" : " and is read-only")
                    + ": build one with `ragd ingest` (e.g. at image build time)");
        }
        LuceneIndex index = LuceneIndex.openReadOnly(dir, embedder.name(), embedder.dimension());
        log.atInfo().addKeyValue("index", dir).addKeyValue("stateless", stateless)
                .log("index opened read-only");
        return new LuceneStack(new LuceneRetriever(index, embedder, SearchMode.HYBRID), index, embedder);
    }
}
