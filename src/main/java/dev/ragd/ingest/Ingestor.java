package dev.ragd.ingest;

import dev.ragd.retrieval.Chunk;
import dev.ragd.retrieval.Embedder;
import dev.ragd.retrieval.ChunkStore;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chunks, embeds (in batches) and stores documents in a {@link ChunkStore}. A document whose content hash is unchanged is
 * skipped; a changed one has its chunks replaced; one marked deleted is removed.
 *
 * <p>One ingestion at a time: not thread-safe. Feed documents with {@link #accept}, then call
 * {@link #finish()} to flush and commit.
 */
public final class Ingestor implements Consumer<SourceDocument> {

    private static final Logger log = LoggerFactory.getLogger(Ingestor.class);
    public static final int DEFAULT_BATCH = 32;

    private record Pending(SourceDocument doc, String hash, List<String> chunks) {}

    private final ChunkStore index;
    private final Embedder embedder;
    private final Chunker chunker;
    private final int batchSize;
    private final List<Pending> pending = new ArrayList<>();
    private final long started = System.nanoTime();
    private int pendingChunks;
    private int seen;
    private int documents;
    private int chunks;
    private int skipped;
    private int removed;

    public Ingestor(ChunkStore index, Embedder embedder, Chunker chunker) {
        this(index, embedder, chunker, DEFAULT_BATCH);
    }

    public Ingestor(ChunkStore index, Embedder embedder, Chunker chunker, int batchSize) {
        boolean otherEmbedder = !index.embedderName().isEmpty() && !index.embedderName().equals(embedder.name());
        if (otherEmbedder || index.dimension() != embedder.dimension()) {
            throw new IllegalArgumentException("index uses embedder=" + index.embedderName() + " (" + index.dimension()
                    + " dimensions) but the ingestor got embedder=" + embedder.name() + " (" + embedder.dimension() + ")");
        }
        this.index = index;
        this.embedder = embedder;
        this.chunker = chunker;
        this.batchSize = Math.max(1, batchSize);
    }

    @Override
    public void accept(SourceDocument doc) {
        seen++;
        if (doc.deleted()) {
            pending.removeIf(p -> p.doc().id().equals(doc.id()));
            pendingChunks = pending.stream().mapToInt(p -> p.chunks().size()).sum();
            if (index.delete(doc.id())) {
                removed++;
            }
            return;
        }
        String hash = hash(doc);
        Optional<String> old = index.contentHash(doc.id());
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
        pending.add(new Pending(doc, hash, parts));
        pendingChunks += parts.size();
        if (pendingChunks >= batchSize) {
            flush();
        }
    }

    /** Flushes pending chunks, commits, and returns the counts. */
    public IngestStats finish() {
        flush();
        index.commit();
        return stats();
    }

    /** Documents passed to {@link #accept} so far (indexed, skipped, removed or waiting in a batch). */
    public int seen() {
        return seen;
    }

    /** Counts so far (documents still waiting in a batch are not counted yet). */
    public IngestStats stats() {
        return new IngestStats(documents, chunks, skipped, removed, Duration.ofNanos(System.nanoTime() - started));
    }

    private void flush() {
        if (pending.isEmpty()) {
            return;
        }
        List<String> inputs = new ArrayList<>(pendingChunks);
        for (Pending p : pending) {
            for (String c : p.chunks()) {
                inputs.add(embeddingInput(p.doc().title(), c));
            }
        }
        List<float[]> vectors = embedder.embedPassages(inputs);
        int v = 0;
        for (Pending p : pending) {
            List<Chunk> out = new ArrayList<>(p.chunks().size());
            for (int i = 0; i < p.chunks().size(); i++) {
                SourceDocument d = p.doc();
                out.add(new Chunk(d.id() + "#" + i, d.id(), d.title(), p.chunks().get(i), d.url(), p.hash(),
                        vectors.get(v++), d.allowedUsers(), d.allowedGroups()));
            }
            index.replace(p.doc().id(), out);
            documents++;
            chunks += out.size();
        }
        pending.clear();
        pendingChunks = 0;
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
