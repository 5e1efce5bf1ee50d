package dev.ragd.ingest;

import dev.ragd.retrieval.Chunk;
import dev.ragd.retrieval.Embedder;
import dev.ragd.retrieval.ChunkStore;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chunks, embeds (in batches) and stores documents in a {@link ChunkStore}. A document whose content hash is unchanged is
 * skipped; a changed one has its chunks replaced; one marked deleted is removed.
 *
 * <p>Up to {@code inFlight} batches are embedded at once, on virtual threads, while the caller goes on
 * reading and chunking; {@link #accept} waits when that many are out (so memory stays bounded by
 * the batches in flight). Each batch is written to the store as soon as its vectors arrive, one
 * write at a time (the store's contract). A document met again while an earlier version of it is
 * still being embedded waits for that batch, so the last version read is the one stored.
 *
 * <p>A document id met again in one run is compared with the version this run last queued or
 * deleted, not with the store's last commit (which does not hold them yet): each id this run writes
 * or deletes is remembered with its hash until the ingestor is dropped.
 *
 * <p>One ingestion at a time: feed documents with {@link #accept} from one thread, then call
 * {@link #finish()} to flush, wait and commit. When a batch fails (after the embedder's own
 * retries), the next {@code accept} or {@code finish} throws that failure. {@link #close()} before
 * closing the store: it stops the batches still out (a wait for a hosted model's quota ends at
 * once) and returns when none is writing.
 */
public final class Ingestor implements Consumer<SourceDocument>, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Ingestor.class);
    /** Chunks per embedding call for the in-process model. */
    public static final int DEFAULT_BATCH = 32;
    /** Embedding calls at once by default: one embedding while the previous batch is written. */
    public static final int DEFAULT_IN_FLIGHT = 2;
    /** Chunks per call to a hosted embedding model: small enough that a call refused near the quota's end wastes little. */
    public static final int HOSTED_BATCH = 64;
    /**
     * Chunks per call to Azure OpenAI: LangChain4j's Azure model sends 16 inputs per request, so a
     * larger batch would send again the requests that succeeded when a later one is refused.
     */
    public static final int AZURE_BATCH = 16;
    /** Calls at once to a hosted embedding model: they wait on its latency, not on this machine's cores. */
    public static final int HOSTED_IN_FLIGHT = 4;

    private record Pending(SourceDocument doc, String hash, List<String> chunks) {}

    private final ChunkStore index;
    private final Embedder embedder;
    private final Chunker chunker;
    private final int batchSize;
    private final int inFlight;
    private final Semaphore permits;
    /** Guards every call on the store: batches finish on their own threads. */
    private final Object storeLock = new Object();
    /** Documents in batches being embedded, and how many times each (a set would lose a repeat). */
    private final Map<String, Integer> embedding = new ConcurrentHashMap<>();
    private final AtomicReference<RuntimeException> failure = new AtomicReference<>();
    /** Threads inside an embedding call now (never interrupted while writing: Lucene must not be). */
    private final Set<Thread> embeddingThreads = ConcurrentHashMap.newKeySet();
    /** The hash of each id this run queued, or {@link #DELETED}: what a repeat is compared with. */
    private final Map<String, String> queued = new HashMap<>();
    private static final String DELETED = "";
    private boolean finished;
    private final List<Pending> pending = new ArrayList<>();
    private final long started = System.nanoTime();
    private int pendingChunks;
    private int seen;
    private final AtomicInteger documents = new AtomicInteger();
    private final AtomicInteger chunks = new AtomicInteger();
    private int skipped;
    private int removed;

    public Ingestor(ChunkStore index, Embedder embedder, Chunker chunker) {
        this(index, embedder, chunker, DEFAULT_BATCH, DEFAULT_IN_FLIGHT);
    }

    /**
     * @param batchSize chunks per embedding call (a document's chunks go in one call, so a call may hold more)
     * @param inFlight  embedding calls at once, at least 1
     */
    public Ingestor(ChunkStore index, Embedder embedder, Chunker chunker, int batchSize, int inFlight) {
        boolean otherEmbedder = !index.embedderName().isEmpty() && !index.embedderName().equals(embedder.name());
        if (otherEmbedder || index.dimension() != embedder.dimension()) {
            throw new IllegalArgumentException("index uses embedder=" + index.embedderName() + " (" + index.dimension()
                    + " dimensions) but the ingestor got embedder=" + embedder.name() + " (" + embedder.dimension() + ")");
        }
        this.index = index;
        this.embedder = embedder;
        this.chunker = chunker;
        this.batchSize = Math.max(1, batchSize);
        this.inFlight = Math.max(1, inFlight);
        this.permits = new Semaphore(this.inFlight);
    }

    @Override
    public void accept(SourceDocument doc) {
        rethrow();
        seen++;
        if (embedding.containsKey(doc.id())) {
            drain(); // an earlier version is still being embedded: let it land first
        }
        if (doc.deleted()) {
            dropPending(doc.id());
            queued.put(doc.id(), DELETED);
            synchronized (storeLock) {
                if (index.delete(doc.id())) {
                    removed++;
                }
            }
            return;
        }
        String hash = hash(doc);
        String before = queued.get(doc.id());
        Optional<String> old;
        if (before != null) {
            old = before.equals(DELETED) ? Optional.empty() : Optional.of(before);
        } else {
            synchronized (storeLock) {
                old = index.contentHash(doc.id());
            }
        }
        if (old.isPresent() && old.get().equals(hash)) {
            skipped++;
            return;
        }
        List<String> parts = chunker.split(doc.text());
        if (parts.isEmpty()) {
            log.atWarn().addKeyValue("doc_id", doc.id()).log("document has no text; skipped");
            skipped++;
            return;
        }
        dropPending(doc.id()); // an older version not sent yet is never embedded
        queued.put(doc.id(), hash);
        pending.add(new Pending(doc, hash, parts));
        pendingChunks += parts.size();
        if (pendingChunks >= batchSize) {
            flush();
        }
    }

    /** Flushes pending chunks, waits for every batch, commits, and returns the counts. */
    public IngestStats finish() {
        flush();
        drain();
        rethrow();
        synchronized (storeLock) {
            index.commit();
        }
        finished = true;
        return stats();
    }

    /**
     * Stops an ingestion that did not finish: batches not yet embedded are dropped, embedding calls
     * in progress are interrupted (a batch being written completes), and this returns once no batch
     * runs, so that the store can be closed safely. Does nothing after {@link #finish()}.
     */
    @Override
    public void close() {
        if (finished) {
            return;
        }
        failure.compareAndSet(null, new IllegalStateException("the ingestion was stopped before it finished"));
        embeddingThreads.forEach(Thread::interrupt);
        drain();
    }

    private void dropPending(String docId) {
        if (pending.removeIf(p -> p.doc().id().equals(docId))) {
            pendingChunks = pending.stream().mapToInt(p -> p.chunks().size()).sum();
        }
    }

    /** Documents passed to {@link #accept} so far (indexed, skipped, removed or waiting in a batch). */
    public int seen() {
        return seen;
    }

    /** Counts so far (documents still waiting in a batch are not counted yet). */
    public IngestStats stats() {
        return new IngestStats(documents.get(), chunks.get(), skipped, removed,
                Duration.ofNanos(System.nanoTime() - started));
    }

    /** Sends the pending documents off to be embedded, waiting while {@code inFlight} batches are out. */
    private void flush() {
        if (pending.isEmpty()) {
            return;
        }
        List<Pending> batch = List.copyOf(pending);
        pending.clear();
        pendingChunks = 0;
        permits.acquireUninterruptibly();
        batch.forEach(p -> embedding.merge(p.doc().id(), 1, Integer::sum));
        try {
            Thread.ofVirtual().name("ragd-embed").start(() -> embedAndStore(batch));
        } catch (RuntimeException | Error e) {
            done(batch);
            throw e;
        }
    }

    private void embedAndStore(List<Pending> batch) {
        try {
            if (failure.get() != null) {
                return; // an earlier batch failed: the ingestion is over, spend nothing more
            }
            List<String> inputs = new ArrayList<>();
            for (Pending p : batch) {
                for (String c : p.chunks()) {
                    inputs.add(embeddingInput(p.doc().title(), c));
                }
            }
            List<float[]> vectors;
            embeddingThreads.add(Thread.currentThread());
            try {
                if (failure.get() != null) {
                    return; // stopped while this batch was being prepared
                }
                vectors = embedder.embedPassages(inputs);
            } finally {
                embeddingThreads.remove(Thread.currentThread());
                Thread.interrupted(); // an interrupt meant for the call must not reach the writes
            }
            if (failure.get() != null) {
                return; // stopped, or another batch failed, while this one was embedded: store nothing more
            }
            int v = 0;
            for (Pending p : batch) {
                SourceDocument d = p.doc();
                List<Chunk> out = new ArrayList<>(p.chunks().size());
                for (int i = 0; i < p.chunks().size(); i++) {
                    out.add(new Chunk(d.id() + "#" + i, d.id(), d.title(), p.chunks().get(i), d.url(), p.hash(),
                            vectors.get(v++), d.allowedUsers(), d.allowedGroups()));
                }
                synchronized (storeLock) {
                    index.replace(d.id(), out);
                }
                documents.incrementAndGet();
                chunks.addAndGet(out.size());
            }
        } catch (RuntimeException e) {
            failure.compareAndSet(null, e);
        } catch (Throwable e) {
            failure.compareAndSet(null, new IllegalStateException("embedding failed: " + e, e));
            if (e instanceof Error error) {
                throw error;
            }
        } finally {
            done(batch);
        }
    }

    private void done(List<Pending> batch) {
        batch.forEach(p -> embedding.computeIfPresent(p.doc().id(), (id, n) -> n == 1 ? null : n - 1));
        permits.release();
    }

    /** Waits until no batch is being embedded. */
    private void drain() {
        permits.acquireUninterruptibly(inFlight);
        permits.release(inFlight);
    }

    private void rethrow() {
        RuntimeException e = failure.get();
        if (e != null) {
            throw e;
        }
    }

    /** What is embedded for a chunk: its document title, then the chunk. */
    public static String embeddingInput(String title, String chunk) {
        return title == null || title.isBlank() || chunk.startsWith(title) ? chunk : title + "\n" + chunk;
    }

    static String hash(SourceDocument d) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (String s : new String[] {d.title(), d.text(), d.url() == null ? "" : d.url()}) {
                md.update(s.getBytes(StandardCharsets.UTF_8));
                md.update((byte) 0);
            }
            // The access lists count (a document whose readers changed is written again), but only
            // when there are any: documents without lists keep the hash they always had.
            if (!d.allowedUsers().isEmpty() || !d.allowedGroups().isEmpty()) {
                md.update(("users\0" + String.join("\0", d.allowedUsers()) + "\0groups\0"
                        + String.join("\0", d.allowedGroups())).getBytes(StandardCharsets.UTF_8));
            }
            return HexFormat.of().formatHex(md.digest(), 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
