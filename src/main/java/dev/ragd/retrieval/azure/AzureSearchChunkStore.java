package dev.ragd.retrieval.azure;

import com.azure.core.exception.HttpResponseException;
import com.azure.core.util.Context;
import com.azure.search.documents.SearchClient;
import com.azure.search.documents.SearchDocument;
import com.azure.search.documents.indexes.SearchIndexClient;
import com.azure.search.documents.indexes.models.IndexDocumentsBatch;
import com.azure.search.documents.indexes.models.SearchIndex;
import com.azure.search.documents.models.IndexingResult;
import com.azure.search.documents.models.IndexDocumentsOptions;
import com.azure.search.documents.models.SearchOptions;
import com.azure.search.documents.models.SearchResult;
import dev.ragd.config.SearchConfig;
import dev.ragd.retrieval.Chunk;
import dev.ragd.retrieval.ChunkStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ingestion into an Azure AI Search index ({@code ragd ingest --target azure-ai-search}). Opening
 * creates the index when it is missing ({@link RagdIndexSchema}) or checks an existing one can take
 * ragd's chunks, then reads every stored document's content hash and chunk keys once (keyset pages
 * ordered by key), so unchanged documents are skipped without a call and a changed document's
 * extra old chunks are deleted.
 *
 * <p>Changes are sent in batches of {@code batchSize} actions ({@code mergeOrUpload} and
 * {@code delete}), up to {@code concurrency} at a time. A batch the service throttles as a whole
 * (429/503) is sent again after its {@code Retry-After}; the documents of a partly failed batch
 * (207) whose status may pass later (409, 422, 429, 503) are sent again; every other failure is
 * kept, and {@link #commit()} throws naming the documents, so none is lost silently.
 */
public final class AzureSearchChunkStore implements ChunkStore {

    private static final Logger log = LoggerFactory.getLogger(AzureSearchChunkStore.class);
    private static final Set<Integer> RETRYABLE = Set.of(409, 422, 429, 503);
    static final int ATTEMPTS = 5;
    private static final int PAGE = 1000;

    private record Action(String docId, String key, SearchDocument upload) {}

    private final SearchClient client;
    private final SearchConfig config;
    private final int dimension;
    private final int batchSize;
    private final int scanPage;
    private final long firstBackoffMs;
    private final Map<String, String> hashes = new HashMap<>();
    private final Map<String, Set<String>> keys = new HashMap<>();
    private final List<Action> pending = new ArrayList<>();
    private final ExecutorService senders;
    private final Semaphore inFlight;
    private final List<Future<List<String>>> sent = new ArrayList<>();
    /** Documents in batches being uploaded now, and in how many. */
    private final Map<String, Integer> uploading = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * @param batchSize      actions per batch (the service takes up to 1,000 and 16 MB)
     * @param concurrency    batches in flight at once
     * @param firstBackoffMs the first wait before a retry when the service names none (doubling)
     */
    public AzureSearchChunkStore(AzureSearchClients clients, SearchConfig config, int dimension, int batchSize,
            int concurrency, long firstBackoffMs) {
        this(clients, config, dimension, batchSize, concurrency, firstBackoffMs, PAGE);
    }

    /** @param scanPage stored chunks read per page when opening */
    AzureSearchChunkStore(AzureSearchClients clients, SearchConfig config, int dimension, int batchSize,
            int concurrency, long firstBackoffMs, int scanPage) {
        this.scanPage = scanPage;
        this.config = config;
        this.dimension = dimension;
        this.batchSize = batchSize;
        this.firstBackoffMs = firstBackoffMs;
        Duration timeout = Duration.ofMinutes(2);
        prepare(clients.indexes(timeout));
        this.client = clients.search(timeout);
        this.senders = Executors.newFixedThreadPool(concurrency, Thread.ofPlatform().name("ragd-ingest-azure-", 0).daemon()
                .factory());
        this.inFlight = new Semaphore(concurrency);
        scan();
    }

    private void prepare(SearchIndexClient indexes) {
        SearchIndex existing;
        try {
            existing = indexes.getIndex(config.index());
        } catch (HttpResponseException e) {
            if (e.getResponse() == null || e.getResponse().getStatusCode() != 404) {
                throw new IllegalStateException("Azure AI Search answered HTTP " + (e.getResponse() == null ? 0
                        : e.getResponse().getStatusCode()) + " reading index " + config.index() + ": " + e.getMessage(), e);
            }
            indexes.createIndex(RagdIndexSchema.definition(config, dimension));
            log.atInfo().addKeyValue("index", config.index()).addKeyValue("dimension", dimension)
                    .log("Azure AI Search: index created");
            return;
        }
        addAccessFields(indexes, existing);
        RagdIndexSchema.checkWritable(existing, config, dimension);
    }

    /**
     * Adds the access-list fields to an index ragd made before it had them. Adding fields is a change
     * the service allows on an index in use; every chunk ragd writes carries both lists.
     */
    private void addAccessFields(SearchIndexClient indexes, SearchIndex existing) {
        Set<String> have = new HashSet<>();
        existing.getFields().forEach(f -> have.add(f.getName()));
        List<String> added = new ArrayList<>();
        for (var f : RagdIndexSchema.accessFields(config)) {
            if (!have.contains(f.getName()) && have.contains(RagdIndexSchema.CONTENT_HASH)) {
                existing.getFields().add(f);
                added.add(f.getName());
            }
        }
        if (!added.isEmpty()) {
            indexes.createOrUpdateIndex(existing);
            log.atInfo().addKeyValue("index", config.index()).addKeyValue("fields", added)
                    .log("Azure AI Search: access-list fields added to the index");
        }
    }

    /** Reads every stored chunk's document and hash, a page at a time, in key order. */
    private void scan() {
        String after = null;
        while (true) {
            SearchOptions page = new SearchOptions().setTop(scanPage).setOrderBy(config.idField() + " asc")
                    .setSelect(config.idField(), RagdIndexSchema.DOC_ID, RagdIndexSchema.CONTENT_HASH);
            if (after != null) {
                page.setFilter(config.idField() + " gt " + ODataFilter.literal(after));
            }
            int n = 0;
            for (SearchResult r : client.search("*", page, Context.NONE)) {
                SearchDocument d = r.getDocument(SearchDocument.class);
                String key = String.valueOf(d.get(config.idField()));
                String docId = String.valueOf(d.get(RagdIndexSchema.DOC_ID));
                keys.computeIfAbsent(docId, k -> new LinkedHashSet<>()).add(key);
                hashes.put(docId, String.valueOf(d.get(RagdIndexSchema.CONTENT_HASH)));
                after = key;
                n++;
            }
            if (n < scanPage) {
                return;
            }
        }
    }

    @Override
    public String embedderName() {
        return ""; // the index does not record it; the dimension is checked
    }

    @Override
    public int dimension() {
        return dimension;
    }

    @Override
    public Optional<String> contentHash(String docId) {
        return Optional.ofNullable(hashes.get(docId));
    }

    @Override
    public void replace(String docId, List<Chunk> chunks) {
        Set<String> now = new LinkedHashSet<>();
        for (Chunk c : chunks) {
            SearchDocument d = new SearchDocument();
            String key = RagdIndexSchema.key(c.chunkId());
            d.put(config.idField(), key);
            d.put(RagdIndexSchema.DOC_ID, docId);
            d.put(RagdIndexSchema.CHUNK_ID, c.chunkId());
            d.put(RagdIndexSchema.URL, c.url());
            d.put(RagdIndexSchema.CONTENT_HASH, c.contentHash());
            if (!config.titleField().isEmpty()) {
                d.put(config.titleField(), c.title());
            }
            d.put(RagdIndexSchema.content(config), c.text());
            d.put(config.vectorField(), RagdIndexSchema.floats(c.vector()));
            // Always written, empty too: a merge must clear a list the document no longer has.
            d.put(config.accessUsersField(), c.allowedUsers());
            d.put(config.accessGroupsField(), c.allowedGroups());
            pending.add(new Action(docId, key, d));
            now.add(key);
            hashes.put(docId, c.contentHash());
        }
        for (String old : keys.getOrDefault(docId, Set.of())) {
            if (!now.contains(old)) {
                pending.add(new Action(docId, old, null));
            }
        }
        keys.put(docId, now);
        flushFull();
    }

    @Override
    public boolean delete(String docId) {
        Set<String> old = keys.remove(docId);
        hashes.remove(docId);
        if (old == null) {
            return false;
        }
        old.forEach(k -> pending.add(new Action(docId, k, null)));
        flushFull();
        return true;
    }

    @Override
    public void commit() {
        sendWhile(1);
        Set<String> failed = new LinkedHashSet<>();
        for (Future<List<String>> f : sent) {
            try {
                failed.addAll(f.get());
            } catch (Exception e) {
                throw new IllegalStateException("uploading to Azure AI Search failed: " + e.getMessage(), e);
            }
        }
        sent.clear();
        if (!failed.isEmpty()) {
            throw new IllegalStateException("Azure AI Search did not store " + failed.size() + " document(s): "
                    + String.join(", ", failed.stream().limit(20).toList()) + (failed.size() > 20 ? ", …" : "")
                    + " (see the log for each error); run ragd ingest again to retry them");
        }
    }

    private void flushFull() {
        sendWhile(batchSize);
    }

    /** Sends batches of up to {@code batchSize} pending actions while at least {@code atLeast} are pending. */
    private void sendWhile(int atLeast) {
        while (!pending.isEmpty() && pending.size() >= atLeast) {
            List<Action> head = pending.subList(0, Math.min(batchSize, pending.size()));
            send(new ArrayList<>(head));
            head.clear();
        }
    }

    /**
     * Sends a batch on a sender thread, waiting while {@code concurrency} batches are in flight. A
     * batch holding a document that an earlier batch still in flight holds (a second version of it,
     * or its delete) first waits for the batches in flight, so that the versions land in order even
     * when the earlier one is retried.
     */
    private void send(List<Action> batch) {
        Set<String> docs = new HashSet<>();
        batch.forEach(a -> docs.add(a.docId()));
        if (docs.stream().anyMatch(uploading::containsKey)) {
            awaitSent();
        }
        inFlight.acquireUninterruptibly();
        docs.forEach(d -> uploading.merge(d, 1, Integer::sum));
        sent.add(senders.submit(() -> {
            try {
                return upload(batch);
            } finally {
                docs.forEach(d -> uploading.computeIfPresent(d, (k, n) -> n == 1 ? null : n - 1));
                inFlight.release();
            }
        }));
    }

    /** Waits for every batch sent so far; their failures stay for {@link #commit()} to report. */
    private void awaitSent() {
        for (Future<List<String>> f : sent) {
            try {
                f.get();
            } catch (java.util.concurrent.ExecutionException reportedAtCommit) {
                // commit() reads it again and names the documents
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for uploads to Azure AI Search", e);
            }
        }
    }

    /** Sends {@code batch} until every action succeeded or failed for good; returns the documents that failed. */
    private List<String> upload(List<Action> batch) throws InterruptedException {
        Map<String, Action> left = new LinkedHashMap<>();
        batch.forEach(a -> left.put(a.key(), a));
        Map<String, String> errors = new LinkedHashMap<>();
        long backoff = firstBackoffMs;
        for (int attempt = 1; attempt <= ATTEMPTS && !left.isEmpty(); attempt++) {
            IndexDocumentsBatch<SearchDocument> b = new IndexDocumentsBatch<>();
            List<SearchDocument> uploads = new ArrayList<>();
            List<String> deletes = new ArrayList<>();
            left.values().forEach(a -> {
                if (a.upload() != null) {
                    uploads.add(a.upload());
                } else {
                    deletes.add(a.key());
                }
            });
            if (!uploads.isEmpty()) {
                b.addMergeOrUploadActions(uploads);
            }
            if (!deletes.isEmpty()) {
                b.addDeleteActions(config.idField(), deletes);
            }
            try {
                for (IndexingResult r : client.indexDocumentsWithResponse(b, new IndexDocumentsOptions()
                        .setThrowOnAnyError(false), Context.NONE).getValue().getResults()) {
                    if (r.isSucceeded() || (r.getStatusCode() == 404 && left.get(r.getKey()) != null
                            && left.get(r.getKey()).upload() == null)) {
                        left.remove(r.getKey());
                        errors.remove(r.getKey());
                    } else if (!RETRYABLE.contains(r.getStatusCode())) {
                        errors.put(r.getKey(), r.getStatusCode() + " " + r.getErrorMessage());
                        left.remove(r.getKey()); // kept in errors: reported, not retried
                    } else {
                        errors.put(r.getKey(), r.getStatusCode() + " " + r.getErrorMessage());
                    }
                }
            } catch (HttpResponseException e) {
                int status = e.getResponse() == null ? 0 : e.getResponse().getStatusCode();
                if (status != 429 && status != 503) {
                    left.keySet().forEach(k -> errors.put(k, status + " " + e.getMessage()));
                    break;
                }
                backoff = RetryAfter.millis(e.getResponse(), backoff);
            }
            if (!left.isEmpty() && attempt < ATTEMPTS) {
                Thread.sleep(backoff);
                backoff = Math.min(backoff * 2, 30_000);
            }
        }
        Set<String> failedDocs = new LinkedHashSet<>();
        Map<String, String> docOf = new HashMap<>();
        batch.forEach(a -> docOf.put(a.key(), a.docId()));
        errors.forEach((key, why) -> {
            failedDocs.add(docOf.get(key));
            log.atError().addKeyValue("doc_id", docOf.get(key)).addKeyValue("key", key).addKeyValue("error", why)
                    .log("Azure AI Search did not store a chunk");
        });
        return new ArrayList<>(failedDocs);
    }

    @Override
    public void close() {
        senders.shutdownNow();
    }
}
