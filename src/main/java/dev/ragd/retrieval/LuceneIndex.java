package dev.ragd.retrieval;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.store.LockObtainFailedException;

/**
 * An embedded Lucene index of chunks: BM25 fields for title and text, an HNSW cosine vector per
 * chunk. The commit user data records the embedder, vector dimension and analyzer that built it;
 * opening it with another embedder fails.
 *
 * <p>Thread-safe. Searches go through a {@link SearcherManager} refreshed after every commit (and,
 * at most every two seconds, on search, to see commits of another process such as {@code ragd
 * ingest}). The writer is opened on the first write and holds the index lock until
 * {@link #closeWriter()} or {@link #close()}. Unlike {@link ChunkStore}'s contract requires, several
 * threads may write at once (Lucene indexes each thread's documents into its own segment), which a
 * bulk build uses to keep every core busy.
 */
public final class LuceneIndex implements ChunkStore {

    public static final String CHUNK_ID = "chunk_id";
    public static final String DOC_ID = "doc_id";
    public static final String TITLE = "title";
    public static final String TEXT = "text";
    public static final String URL = "url";
    public static final String CONTENT_HASH = "content_hash";
    public static final String VECTOR = "vector";
    /**
     * The writer's buffer before it flushes a segment: a bulk ingestion makes fewer, larger segments
     * (fewer HNSW graphs to search and merge) than with Lucene's small default.
     */
    static final double RAM_BUFFER_MB = 128;

    private static final long REFRESH_CHECK_NANOS = 2_000_000_000L;

    /** A search run with an acquired searcher. */
    @FunctionalInterface
    public interface SearchFunction<T> {
        T apply(IndexSearcher searcher) throws IOException;
    }

    private final Path path;
    private final Directory directory;
    private final IndexStamp stamp;
    private final Analyzer analyzer;
    private final boolean createdNow;
    private final boolean readOnly;
    /** How segments written from now on store their vectors. */
    private final VectorFormat format;
    private final SearcherManager searchers;
    private volatile IndexWriter writer;
    /** Set by {@link #close()}: a late write then fails instead of opening a writer nobody closes. */
    private volatile boolean closed;
    /**
     * Writes (replace, delete) share this lock, so several threads index at once (each into its own
     * in-memory segment, as Lucene's writer allows); commit and close take it alone, so that they
     * never race a write against a writer being closed.
     */
    private final java.util.concurrent.locks.ReentrantReadWriteLock writeLock =
            new java.util.concurrent.locks.ReentrantReadWriteLock();
    private volatile long lastRefreshCheck = System.nanoTime();

    private LuceneIndex(Path path, Directory directory, IndexStamp stamp, boolean createdNow, boolean readOnly,
            VectorFormat format) throws IOException {
        this.path = path;
        this.format = format;
        this.directory = directory;
        this.stamp = stamp;
        this.analyzer = stamp.analysis().newAnalyzer();
        this.createdNow = createdNow;
        this.readOnly = readOnly;
        this.searchers = new SearcherManager(directory, null);
    }

    /** True when {@code dir} holds a committed Lucene index. Reads only. */
    public static boolean exists(Path dir) {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (Directory d = FSDirectory.open(dir)) {
            return DirectoryReader.indexExists(d);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read index " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * Opens the existing index in {@code dir} for searching only: no directory is created, no
     * writer is opened, no lock is taken and nothing is committed, so {@code dir} may be on a
     * read-only file system. Searches still see a newer commit made by another process. The embedder
     * check runs as in {@link #open}; {@link #replace} and {@link #delete} throw.
     *
     * @throws IllegalStateException when {@code dir} holds no index, or it was built by another
     *                               embedder or dimension
     */
    public static LuceneIndex openReadOnly(Path dir, String embedderName, int dimension) {
        Directory directory = null;
        try {
            if (!Files.isDirectory(dir)) {
                throw new IllegalStateException("no index at " + dir + ": the directory does not exist");
            }
            directory = FSDirectory.open(dir);
            if (!DirectoryReader.indexExists(directory)) {
                throw new IllegalStateException("no index at " + dir + ": the directory holds no committed index");
            }
            Map<String, String> data = SegmentInfos.readLatestCommit(directory).getUserData();
            IndexStamp stamp = IndexStamp.check(dir, data, embedderName, dimension);
            return new LuceneIndex(dir, directory, stamp, false, true, VectorFormat.FLOAT);
        } catch (IOException e) {
            closeQuietly(directory);
            throw new UncheckedIOException("cannot open index " + dir + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(directory);
            throw e;
        }
    }

    /** Opens the index in {@code dir}, or creates it (English analysis) when there is none. */
    public static LuceneIndex open(Path dir, String embedderName, int dimension) {
        return open(dir, embedderName, dimension, TextAnalysis.ENGLISH);
    }

    /**
     * Opens the index in {@code dir}, or creates it with {@code analysisForNewIndex}. An existing
     * index keeps the analyzer it was built with.
     *
     * @throws IllegalStateException when the index was built by another embedder or dimension,
     *                               or is locked by another writer
     */
    public static LuceneIndex open(Path dir, String embedderName, int dimension, TextAnalysis analysisForNewIndex) {
        return open(dir, embedderName, dimension, analysisForNewIndex, VectorFormat.FLOAT);
    }

    /**
     * As {@link #open(Path, String, int, TextAnalysis)}, writing vectors in {@code format}
     * ({@code RAGD_VECTOR_FORMAT}); segments written before keep theirs until merged.
     */
    public static LuceneIndex open(Path dir, String embedderName, int dimension, TextAnalysis analysisForNewIndex,
            VectorFormat format) {
        if (dimension < 1 || dimension > WideVectorCodec.MAX_DIMENSIONS) {
            throw new IllegalArgumentException("vector dimension " + dimension + " must be from 1 to "
                    + WideVectorCodec.MAX_DIMENSIONS);
        }
        Directory directory = null;
        try {
            Files.createDirectories(dir);
            directory = FSDirectory.open(dir);
            if (DirectoryReader.indexExists(directory)) {
                Map<String, String> data = SegmentInfos.readLatestCommit(directory).getUserData();
                IndexStamp stamp = IndexStamp.check(dir, data, embedderName, dimension);
                return new LuceneIndex(dir, directory, stamp, false, false, format);
            }
            IndexStamp stamp = new IndexStamp(embedderName, dimension, analysisForNewIndex);
            try (IndexWriter w = newWriter(directory, analysisForNewIndex, dir, format)) {
                w.setLiveCommitData(stamp.toCommitData().entrySet());
                w.commit();
            }
            return new LuceneIndex(dir, directory, stamp, true, false, format);
        } catch (IOException e) {
            closeQuietly(directory);
            throw new UncheckedIOException("cannot open index " + dir + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(directory);
            throw e;
        }
    }

    private static IndexWriter newWriter(Directory directory, TextAnalysis analysis, Path dir, VectorFormat format)
            throws IOException {
        IndexWriterConfig cfg = new IndexWriterConfig(analysis.newAnalyzer())
                .setOpenMode(IndexWriterConfig.OpenMode.CREATE_OR_APPEND)
                .setRAMBufferSizeMB(RAM_BUFFER_MB)
                .setCodec(new WideVectorCodec(format));
        try {
            return new IndexWriter(directory, cfg);
        } catch (LockObtainFailedException e) {
            throw new IllegalStateException("index " + dir + " is locked by another writer"
                    + " (is `ragd ingest` or a server that is ingesting still running?)", e);
        }
    }

    /** True when {@link #open} created this index (it holds no chunks yet). */
    public boolean createdNow() {
        return createdNow;
    }

    public Path path() {
        return path;
    }

    /** True when opened with {@link #openReadOnly}: this instance never writes. */
    public boolean readOnly() {
        return readOnly;
    }

    @Override
    public String embedderName() {
        return stamp.embedder();
    }

    @Override
    public int dimension() {
        return stamp.dimension();
    }

    public TextAnalysis analysis() {
        return stamp.analysis();
    }

    /** The analyzer the index was built with; use it for queries. */
    public Analyzer analyzer() {
        return analyzer;
    }

    /** The content hash stored for {@code docId} in the last commit, if the document is indexed. */
    @Override
    public Optional<String> contentHash(String docId) {
        return search(s -> {
            TopDocs top = s.search(new TermQuery(new Term(DOC_ID, docId)), 1);
            if (top.scoreDocs.length == 0) {
                return Optional.empty();
            }
            return Optional.ofNullable(s.storedFields().document(top.scoreDocs[0].doc).get(CONTENT_HASH));
        });
    }

    /** Replaces every chunk of {@code docId} with {@code chunks} (visible after {@link #commit()}). */
    @Override
    public void replace(String docId, List<Chunk> chunks) {
        List<Document> docs = new ArrayList<>(chunks.size());
        for (Chunk c : chunks) {
            if (!c.docId().equals(docId)) {
                throw new IllegalArgumentException("chunk " + c.chunkId() + " belongs to " + c.docId() + ", not " + docId);
            }
            if (c.vector().length != stamp.dimension()) {
                throw new IllegalArgumentException("chunk " + c.chunkId() + " has a vector of " + c.vector().length
                        + " dimensions; the index holds " + stamp.dimension());
            }
            docs.add(toDocument(c));
        }
        write(w -> w.updateDocuments(new Term(DOC_ID, docId), docs));
    }

    /** Removes every chunk of {@code docId}; true when the last commit held it. */
    @Override
    public boolean delete(String docId) {
        boolean existed = contentHash(docId).isPresent();
        write(w -> w.deleteDocuments(new Term(DOC_ID, docId)));
        return existed;
    }

    /** Makes pending writes durable and visible to searches. */
    @Override
    public void commit() {
        writeLock.writeLock().lock();
        try {
            if (writer == null) {
                return;
            }
            writer.setLiveCommitData(stamp.toCommitData().entrySet());
            writer.commit();
            searchers.maybeRefreshBlocking();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot commit index " + path + ": " + e.getMessage(), e);
        } finally {
            writeLock.writeLock().unlock();
        }
    }

    /** Commits and releases the write lock, so another process may write. */
    public void closeWriter() {
        writeLock.writeLock().lock();
        try {
            if (writer == null) {
                return;
            }
            try {
                commit();
                writer.close();
            } catch (IOException | RuntimeException e) {
                // the lock must not outlive a failed commit: drop what was not committed, release it
                try {
                    writer.rollback();
                } catch (IOException | RuntimeException second) {
                    e.addSuppressed(second);
                }
                throw e instanceof IOException io
                        ? new UncheckedIOException("cannot close index writer " + path + ": " + io.getMessage(), io)
                        : (RuntimeException) e;
            }
        } finally {
            writer = null;
            writeLock.writeLock().unlock();
        }
    }

    /** Number of chunks in the last commit. */
    public int chunkCount() {
        return search(s -> s.getIndexReader().numDocs());
    }

    /** Runs {@code fn} with a current searcher, released afterwards. */
    public <T> T search(SearchFunction<T> fn) {
        try {
            maybeRefresh();
            IndexSearcher s = searchers.acquire();
            try {
                return fn.apply(s);
            } finally {
                searchers.release(s);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("search failed in index " + path + ": " + e.getMessage(), e);
        }
    }

    /**
     * Passes every stored chunk, as a passage with score 0, to {@code sink}, in index order; for
     * tools that read the whole index (such as {@code ragd eval generate}), not for serving.
     */
    public void forEachChunk(java.util.function.Consumer<Passage> sink) {
        search(s -> {
            var reader = s.getIndexReader();
            StoredFields fields = reader.storedFields();
            var live = org.apache.lucene.index.MultiBits.getLiveDocs(reader);
            for (int doc = 0; doc < reader.maxDoc(); doc++) {
                if (live == null || live.get(doc)) {
                    sink.accept(passage(fields, doc, 0));
                }
            }
            return null;
        });
    }

    /** The passage stored for a hit. */
    public static Passage passage(StoredFields fields, int doc, double score) throws IOException {
        Document d = fields.document(doc);
        return new Passage(d.get(DOC_ID), d.get(CHUNK_ID), d.get(TITLE), d.get(TEXT), d.get(URL), score);
    }

    private void maybeRefresh() throws IOException {
        long now = System.nanoTime();
        if (now - lastRefreshCheck > REFRESH_CHECK_NANOS) {
            lastRefreshCheck = now;
            searchers.maybeRefresh();
        }
    }

    private interface WriteOp {
        void run(IndexWriter w) throws IOException;
    }

    private void write(WriteOp op) {
        if (readOnly) {
            throw new IllegalStateException("index " + path + " was opened read-only: it cannot be written");
        }
        writeLock.readLock().lock();
        try {
            if (closed) {
                throw new IllegalStateException("index " + path + " is closed: it cannot be written");
            }
            op.run(openWriter());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write index " + path + ": " + e.getMessage(), e);
        } finally {
            writeLock.readLock().unlock();
        }
    }

    /** The writer, opened on first use; called holding the read lock, so it is not closed meanwhile. */
    private synchronized IndexWriter openWriter() throws IOException {
        if (writer == null) {
            writer = newWriter(directory, stamp.analysis(), path, format);
        }
        return writer;
    }

    private static Document toDocument(Chunk c) {
        Document d = new Document();
        d.add(new StringField(CHUNK_ID, c.chunkId(), Field.Store.YES));
        d.add(new StringField(DOC_ID, c.docId(), Field.Store.YES));
        d.add(new TextField(TITLE, c.title() == null ? "" : c.title(), Field.Store.YES));
        d.add(new TextField(TEXT, c.text(), Field.Store.YES));
        if (c.url() != null) {
            d.add(new StoredField(URL, c.url()));
        }
        d.add(new StoredField(CONTENT_HASH, c.contentHash()));
        d.add(new KnnFloatVectorField(VECTOR, c.vector(), VectorSimilarityFunction.COSINE));
        // Indexed, not stored: only ever a filter ({@link LuceneRetriever#accessFilter}).
        c.allowedUsers().forEach(u -> d.add(new StringField(Access.ALLOWED_USERS, u, Field.Store.NO)));
        c.allowedGroups().forEach(g -> d.add(new StringField(Access.ALLOWED_GROUPS, g, Field.Store.NO)));
        return d;
    }

    @Override
    public void close() {
        writeLock.writeLock().lock();
        try {
            closed = true;
            closeWriter();
        } finally {
            writeLock.writeLock().unlock();
            closeQuietly(searchers);
            closeQuietly(analyzer);
            closeQuietly(directory);
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception ignored) {
            // closing: nothing left to do
        }
    }
}
