package dev.ragd.retrieval.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ragd.config.ConfigException;
import dev.ragd.config.SearchConfig;
import dev.ragd.ingest.Chunker;
import dev.ragd.ingest.IngestStats;
import dev.ragd.ingest.Ingestor;
import dev.ragd.ingest.SourceDocument;
import dev.ragd.observe.ChatObserver;
import dev.ragd.retrieval.Chunk;
import dev.ragd.retrieval.Embedder;
import dev.ragd.retrieval.Passage;
import dev.ragd.testsupport.FakeAzureSearch;
import dev.ragd.testsupport.SearchIndexes;
import dev.ragd.testsupport.TestEmbedders;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code ragd ingest --target azure-ai-search}: {@link AzureSearchChunkStore} creates ragd's index,
 * uploads chunks in batches, skips unchanged documents, replaces changed ones (deleting their extra
 * old chunks) and removes deleted ones; a throttled batch or a retryable 207 item is sent again, any
 * other failed document is named at commit. What it wrote is served back by the retriever.
 */
class AzureSearchIngestTest {

    static final String LONG = "The Zephyr kettle keeps water hot for twelve hours. " + "It has a steel body. ".repeat(12)
            + "Warranty: three years.";

    final Embedder embedder = TestEmbedders.fake("fake-hash");
    FakeAzureSearch search;
    SearchConfig config;

    @BeforeEach
    void service() throws Exception {
        search = new FakeAzureSearch(AzureSearchRetrieverTest.KEY);
        config = AzureSearchRetrieverTest.config(search, "ragd-docs", Map.of());
    }

    @AfterEach
    void stop() {
        search.close();
    }

    AzureSearchChunkStore store(int batchSize) {
        return new AzureSearchChunkStore(new AzureSearchClients(config, null), config, embedder.dimension(), batchSize, 2, 20);
    }

    IngestStats ingest(AzureSearchChunkStore store, SourceDocument... docs) {
        try (store) {
            Ingestor ingestor = new Ingestor(store, embedder, new Chunker(200, 20));
            for (SourceDocument d : docs) {
                ingestor.accept(d);
            }
            return ingestor.finish();
        }
    }

    static SourceDocument doc(String id, String text) {
        return new SourceDocument(id, "Title of " + id, text, "https://example.org/" + id, false);
    }

    @Test
    void aMissingIndexIsCreatedWithRagdsFieldsVectorProfileAndSemanticConfiguration() {
        store(10).close();

        assertThat(search.requests).extracting(FakeAzureSearch.Request::method, FakeAzureSearch.Request::path)
                .contains(org.assertj.core.groups.Tuple.tuple("POST", "/indexes"));
        JsonObject def = search.definition("ragd-docs");
        Map<String, JsonObject> fields = new java.util.HashMap<>();
        def.getJsonArray("fields").forEach(f -> fields.put(((JsonObject) f).getString("name"), (JsonObject) f));
        assertThat(fields).containsOnlyKeys("id", "doc_id", "chunk_id", "url", "content_hash", "allowed_users",
                "allowed_groups", "title", "content", "vector");
        for (String acl : List.of("allowed_users", "allowed_groups")) {
            assertThat(fields.get(acl).getString("type")).isEqualTo("Collection(Edm.String)");
            assertThat(fields.get(acl).getBoolean("filterable")).isTrue();
            assertThat(fields.get(acl).getBoolean("searchable")).isFalse();
        }
        assertThat(fields.get("id").getBoolean("key")).isTrue();
        assertThat(fields.get("id").getBoolean("sortable")).isTrue();
        assertThat(fields.get("doc_id").getBoolean("filterable")).isTrue();
        assertThat(fields.get("vector").getString("type")).isEqualTo("Collection(Edm.Single)");
        assertThat(fields.get("vector").getInteger("dimensions")).isEqualTo(embedder.dimension());
        assertThat(fields.get("vector").getString("vectorSearchProfile")).isEqualTo("ragd-hnsw");
        JsonObject hnsw = def.getJsonObject("vectorSearch").getJsonArray("algorithms").getJsonObject(0);
        assertThat(hnsw.getString("kind")).isEqualTo("hnsw");
        assertThat(hnsw.getJsonObject("hnswParameters").getString("metric")).isEqualTo("cosine");
        assertThat(def.getJsonObject("semantic").getString("defaultConfiguration")).isEqualTo("ragd-semantic");
    }

    @Test
    void unchangedDocumentsAreSkippedChangedOnesReplacedAndDeletedOnesRemoved() {
        IngestStats first = ingest(store(4), doc("a", "A short page about lamps."), doc("b", LONG));
        int chunksOfB = (int) search.stored("ragd-docs").values().stream().filter(d -> d.getString("doc_id").equals("b")).count();
        assertThat(first.documents()).isEqualTo(2);
        assertThat(chunksOfB).isGreaterThan(1);
        assertThat(search.stored("ragd-docs")).containsKey(RagdIndexSchema.key("b#0"));
        JsonObject a = search.stored("ragd-docs").get(RagdIndexSchema.key("a#0"));
        assertThat(a.getString("chunk_id")).isEqualTo("a#0");
        assertThat(a.getString("url")).isEqualTo("https://example.org/a");
        assertThat(a.getString("content_hash")).isNotBlank();
        int batches = search.batches().size();

        IngestStats again = ingest(store(4), doc("a", "A short page about lamps."), doc("b", LONG));
        assertThat(again.skipped()).isEqualTo(2);
        assertThat(search.batches()).as("nothing sent for unchanged documents").hasSize(batches);

        IngestStats changed = ingest(store(4), new SourceDocument("a", "", "", null, true), doc("b", "Now a short page."));
        assertThat(changed.removed()).isEqualTo(1);
        assertThat(search.stored("ragd-docs").keySet()).containsExactly(RagdIndexSchema.key("b#0"));
        assertThat(search.stored("ragd-docs").get(RagdIndexSchema.key("b#0")).getString("content")).contains("Now a short page.");
    }

    @Test
    void storedHashesAreReadInKeysetPagesWhenTheStoreOpens() {
        ingest(store(100), java.util.stream.IntStream.range(0, 25).mapToObj(i -> doc("d" + i, "Page number " + i + "."))
                .toArray(SourceDocument[]::new));
        int before = search.searches().size();

        try (AzureSearchChunkStore reopened = new AzureSearchChunkStore(new AzureSearchClients(config, null), config,
                embedder.dimension(), 10, 1, 20, 10)) {
            for (int i = 0; i < 25; i++) {
                assertThat(reopened.contentHash("d" + i)).as("d" + i).isPresent();
            }
        }
        List<FakeAzureSearch.Request> pages = search.searches().subList(before, search.searches().size());
        assertThat(pages).hasSize(3);
        assertThat(pages.getFirst().json().containsKey("filter")).isFalse();
        assertThat(pages.get(1).json().getString("filter")).startsWith("id gt '");
        assertThat(pages.get(1).json().getString("orderby")).isEqualTo("id asc");
    }

    @Test
    void aRetryableItemOfAPartlyFailedBatchIsSentAgainAndAThrottledBatchAfterItsRetryAfter() {
        search.failKey(RagdIndexSchema.key("a#0"), 503, 2);
        AzureSearchChunkStore store = store(10);
        search.failNext(1, 429, Map.of("retry-after-ms", "30"));

        ingest(store, doc("a", "A short page about lamps."), doc("c", "Another page."));

        assertThat(search.stored("ragd-docs")).containsKeys(RagdIndexSchema.key("a#0"), RagdIndexSchema.key("c#0"));
        assertThat(search.batches()).hasSize(4); // throttled, 207, 207, stored
    }

    @Test
    void twoVersionsOfADocumentLandInOrderEvenWhenTheFirstBatchIsRetried() {
        search.failKey(RagdIndexSchema.key("a#0"), 503, 1);
        float[] v = embedder.embedPassages(List.of("x")).getFirst();
        try (AzureSearchChunkStore s = store(1)) {
            s.replace("a", List.of(new Chunk("a#0", "a", "A", "old lamps", null, "h1", v)));
            s.replace("a", List.of(new Chunk("a#0", "a", "A", "new chairs", null, "h2", v)));
            s.commit();
        }

        assertThat(search.stored("ragd-docs").get(RagdIndexSchema.key("a#0")).getString(RagdIndexSchema.content(config)))
                .isEqualTo("new chairs");
    }

    @Test
    void aDocumentTheServiceRefusesIsNamedAtCommitAndTheOthersAreStored() {
        search.failKey(RagdIndexSchema.key("b#0"), 400, 1);

        assertThatThrownBy(() -> ingest(store(10), doc("a", "A short page about lamps."), doc("b", "A page the service refuses.")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("did not store 1 document(s): b");
        assertThat(search.stored("ragd-docs")).containsKey(RagdIndexSchema.key("a#0"));
    }

    @Test
    void anIndexRagdCannotWriteIsRefusedNamingTheField() {
        search.index(SearchIndexes.book("ragd-docs", embedder.dimension()));
        SearchConfig book = AzureSearchRetrieverTest.config(search, "ragd-docs", AzureSearchRequestsTest.BOOK);

        assertThatThrownBy(() -> new AzureSearchChunkStore(new AzureSearchClients(book, null), book, embedder.dimension(),
                10, 1, 20)).isInstanceOf(ConfigException.class).hasMessageContaining("field id must be sortable in index ragd-docs");

        JsonObject sortable = SearchIndexes.book("ragd-docs", embedder.dimension());
        sortable.getJsonArray("fields").getJsonObject(0).put("sortable", true);
        search.index(sortable);
        assertThatThrownBy(() -> new AzureSearchChunkStore(new AzureSearchClients(book, null), book, embedder.dimension(),
                10, 1, 20)).isInstanceOf(ConfigException.class).hasMessageContaining("field doc_id (Edm.String) is missing");
    }

    @Test
    void whatWasIngestedIsServedBackWithItsDocumentChunkAndLink() {
        ingest(store(10), doc("manual", LONG));

        List<Passage> hits = AzureSearch.open(config, embedder, ChatObserver.NONE).retrieve("warranty three years", 3);

        assertThat(hits).isNotEmpty();
        assertThat(hits).extracting(Passage::docId).containsOnly("manual");
        assertThat(hits.getFirst().chunkId()).startsWith("manual#");
        assertThat(hits.getFirst().url()).isEqualTo("https://example.org/manual");
        assertThat(hits.getFirst().title()).isEqualTo("Title of manual");
    }

    @Test
    void anIndexRagdMadeBeforeAccessListsGainsTheFieldsAndEveryChunkCarriesItsLists() {
        store(10).close();
        JsonObject older = search.definition("ragd-docs").copy();
        older.put("fields", new io.vertx.core.json.JsonArray(older.getJsonArray("fields").stream()
                .filter(f -> !((JsonObject) f).getString("name").startsWith("allowed_")).toList()));
        search.index(older);

        ingest(store(10), new SourceDocument("a", "A", "A page for sales.", null, false, List.of("alice"),
                List.of("sales", "eng")), doc("b", "A page for nobody in particular."));

        assertThat(search.requests).extracting(FakeAzureSearch.Request::method).contains("PUT");
        assertThat(search.definition("ragd-docs").getJsonArray("fields").stream()
                .map(f -> ((JsonObject) f).getString("name"))).contains("allowed_users", "allowed_groups");
        JsonObject a = search.stored("ragd-docs").get(RagdIndexSchema.key("a#0"));
        assertThat(a.getJsonArray("allowed_users").getList()).containsExactly("alice");
        assertThat(a.getJsonArray("allowed_groups").getList()).containsExactly("sales", "eng");
        assertThat(search.stored("ragd-docs").get(RagdIndexSchema.key("b#0")).getJsonArray("allowed_groups")).isEmpty();

        ingest(store(10), new SourceDocument("a", "A", "A page for sales.", null, false, List.of(), List.of("sales")));
        a = search.stored("ragd-docs").get(RagdIndexSchema.key("a#0"));
        assertThat(a.getJsonArray("allowed_users")).as("a list the document no longer has is cleared").isEmpty();
        assertThat(a.getJsonArray("allowed_groups").getList()).containsExactly("sales");
    }
}
