package dev.ragd.retrieval.azure;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import dev.ragd.observe.ChatObserver;
import dev.ragd.retrieval.Embedder;
import dev.ragd.retrieval.Passage;
import dev.ragd.retrieval.Retriever;
import dev.ragd.testsupport.FakeAzureSearch;
import dev.ragd.testsupport.SearchIndexes;
import dev.ragd.testsupport.TestEmbedders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/**
 * The exact requests ragd sends to Azure AI Search, as {@link FakeAzureSearch} records them: the
 * book's hybrid query on the book's index, each other mode, filters, escaping, and both kinds of
 * authentication. What the service answers is mapped to passages as the settings say.
 */
class AzureSearchRequestsTest {

    static final Map<String, String> BOOK = Map.of("RAGD_SEARCH_ID_FIELD", "id",
            "RAGD_SEARCH_CONTENT_FIELDS", "Summary", "RAGD_SEARCH_TITLE_FIELD", "ProductName",
            "RAGD_SEARCH_VECTOR_FIELD", "Vector");

    final Embedder embedder = TestEmbedders.fake("fake-hash");
    FakeAzureSearch search;

    @BeforeEach
    void bookIndex() throws Exception {
        search = new FakeAzureSearch(AzureSearchRetrieverTest.KEY).index(SearchIndexes.book("products", embedder.dimension()));
        search.documents("products", List.of(product("1", "Hasty Pants", "Trousers that dry in minutes.", "Acme"),
                product("2", "Zephyr Kettle", "A thermos kettle that keeps water hot for twelve hours.", "Zephyr"),
                product("3", "Nimbus Lamp", "A desk lamp with a dimmer.", "Nimbus")));
    }

    @AfterEach
    void stop() {
        search.close();
    }

    JsonObject product(String id, String name, String description, String maker) {
        String summary = "Product_Name: " + name + "\n  Product Description: " + description + "\n  Manufacturer: " + maker;
        return new JsonObject().put("id", id).put("Summary", summary)
                .put("Vector", SearchIndexes.vector(embedder.embedPassages(List.of(summary)).getFirst()))
                .put("ProductName", name).put("ProductDescription", description).put("TechnicalSpecifications", "")
                .put("Manufacturer", maker).put("DateModified", "2026-12-01");
    }

    Retriever retriever(Map<String, String> settings) {
        Map<String, String> all = new java.util.HashMap<>(BOOK);
        all.putAll(settings);
        return AzureSearch.open(AzureSearchRetrieverTest.config(search, "products", all), embedder, ChatObserver.NONE);
    }

    FakeAzureSearch.Request lastSearch() {
        return search.searches().getLast();
    }

    @Test
    void theBooksHybridQueryIsSentExactlyOnTheBooksIndex() {
        List<Passage> hits = retriever(Map.of()).retrieve("Hasty Pants", 3);

        FakeAzureSearch.Request r = lastSearch();
        assertThat(r.method()).isEqualTo("POST");
        assertThat(r.path()).isEqualTo("/indexes('products')/docs/search.post.search");
        assertThat(r.query()).containsEntry("api-version", "2024-07-01");
        assertThat(r.headers()).containsEntry("api-key", AzureSearchRetrieverTest.KEY).doesNotContainKey("authorization");
        JsonObject body = r.json();
        assertThat(body.getString("search")).isEqualTo("Hasty Pants");
        assertThat(body.getInteger("top")).isEqualTo(3);
        assertThat(body.getString("select")).isEqualTo("id,ProductName,Summary");
        assertThat(body.containsKey("queryType")).isFalse();
        JsonArray vqs = body.getJsonArray("vectorQueries");
        assertThat(vqs).hasSize(1);
        JsonObject vq = vqs.getJsonObject(0);
        assertThat(vq.getString("kind")).isEqualTo("vector");
        assertThat(vq.getString("fields")).isEqualTo("Vector");
        assertThat(vq.getInteger("k")).isEqualTo(3);
        float[] expected = embedder.embedQuery("Hasty Pants");
        assertThat(vq.getJsonArray("vector")).hasSize(expected.length);
        for (int i = 0; i < expected.length; i++) {
            assertThat(vq.getJsonArray("vector").getFloat(i)).isEqualTo(expected[i]);
        }
        assertThat(hits.getFirst().docId()).isEqualTo("1");
        assertThat(hits.getFirst().title()).isEqualTo("Hasty Pants");
        assertThat(hits.getFirst().text()).contains("Trousers that dry in minutes.");
        assertThat(hits.getFirst().rerankerScore()).isNull();
        assertThat(search.requests.getFirst().path()).as("the index definition read at startup")
                .isEqualTo("/indexes('products')");
    }

    @Test
    void keywordSendsNoVectorAndVectorSendsNoText() {
        retriever(Map.of("RAGD_SEARCH_MODE", "keyword")).retrieve("kettle", 2);
        assertThat(lastSearch().json().getString("search")).isEqualTo("kettle");
        assertThat(lastSearch().json().containsKey("vectorQueries")).isFalse();

        retriever(Map.of("RAGD_SEARCH_MODE", "vector")).retrieve("kettle", 2);
        assertThat(lastSearch().json().getValue("search")).isNull();
        assertThat(lastSearch().json().getJsonArray("vectorQueries").getJsonObject(0).getInteger("k")).isEqualTo(2);
    }

    @Test
    void semanticAsksForCaptionsAndAnswersAndUsesThemAsTheText() {
        List<Passage> hits = retriever(Map.of("RAGD_SEARCH_MODE", "semantic")).retrieve("kettle twelve hours hot", 3);

        JsonObject body = lastSearch().json();
        assertThat(body.getString("queryType")).isEqualTo("semantic");
        assertThat(body.getString("semanticConfiguration")).as("the index's only configuration").isEqualTo("default");
        assertThat(body.getString("captions")).isEqualTo("extractive");
        assertThat(body.getString("answers")).isEqualTo("extractive");
        assertThat(body.getJsonArray("vectorQueries")).hasSize(1);
        Passage best = hits.getFirst();
        assertThat(best.docId()).isEqualTo("2");
        assertThat(best.rerankerScore()).isNotNull().isGreaterThan(hits.get(1).rerankerScore());
        assertThat(best.score()).isEqualTo(best.rerankerScore());
        assertThat(best.text()).as("the answer or caption (the summary's best sentence), not the whole summary")
                .contains("keeps water hot for twelve hours.").doesNotContain("Manufacturer");
    }

    @Test
    void theIndexsVectorizerEmbedsTheQueryWithServiceVectorization() throws Exception {
        search.close();
        search = new FakeAzureSearch(AzureSearchRetrieverTest.KEY).vectorizer(embedder::embedQuery)
                .index(SearchIndexes.ragd("docs", embedder.dimension(), true));
        search.documents("docs", List.of(new JsonObject().put("id", "a").put("title", "Kettle").put("content", "hot water")
                .put("category", "x").put("vector", SearchIndexes.vector(embedder.embedQuery("hot water")))));
        Retriever r = AzureSearch.open(AzureSearchRetrieverTest.config(search, "docs", Map.of("RAGD_SEARCH_VECTORIZE",
                "service")), null, ChatObserver.NONE);

        assertThat(r.retrieve("hot water", 3)).extracting(Passage::docId).containsExactly("a");
        JsonObject vq = lastSearch().json().getJsonArray("vectorQueries").getJsonObject(0);
        assertThat(vq.getString("kind")).isEqualTo("text");
        assertThat(vq.getString("text")).isEqualTo("hot water");
        assertThat(vq.containsKey("vector")).isFalse();
    }

    @Test
    void theConfiguredFilterGoesWithEverySearch() {
        List<Passage> hits = retriever(Map.of("RAGD_SEARCH_FILTER", "Manufacturer eq 'Zephyr'")).retrieve("lamp kettle pants", 3);

        assertThat(lastSearch().json().getString("filter")).isEqualTo("(Manufacturer eq 'Zephyr')");
        assertThat(hits).extracting(Passage::docId).containsExactly("2");
    }

    @Test
    void queryOperatorsInAQuestionAreEscapedAsPlainWords() {
        retriever(Map.of("RAGD_SEARCH_MODE", "keyword")).retrieve("what's the \"warranty\"? (lamp) -cheap +fast a/b", 3);

        assertThat(lastSearch().json().getString("search"))
                .isEqualTo("what's the \\\"warranty\\\"\\? \\(lamp\\) \\-cheap \\+fast a\\/b");
    }

    @Test
    void entraSendsABearerTokenForTheSearchScopeAndNoKey() throws Exception {
        search.acceptBearer("token-for-search");
        List<String> scopes = new java.util.concurrent.CopyOnWriteArrayList<>();
        TokenCredential credential = ctx -> {
            scopes.addAll(ctx.getScopes());
            return Mono.just(new AccessToken("token-for-search", OffsetDateTime.now().plusHours(1)));
        };
        Map<String, String> settings = new java.util.HashMap<>(BOOK);
        settings.put("AI_SEARCH_AUTH", "entra");
        settings.put("AI_SEARCH_KEY", "");
        Retriever r = AzureSearch.open(AzureSearchRetrieverTest.config(search, "products", settings), embedder,
                ChatObserver.NONE, credential);

        assertThat(r.retrieve("Hasty Pants", 3)).isNotEmpty();
        assertThat(lastSearch().headers()).containsEntry("authorization", "Bearer token-for-search")
                .doesNotContainKey("api-key");
        assertThat(scopes).containsOnly("https://search.azure.com/.default");
    }
}
