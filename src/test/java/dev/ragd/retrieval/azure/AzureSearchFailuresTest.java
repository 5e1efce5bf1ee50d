package dev.ragd.retrieval.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ragd.config.ConfigException;
import dev.ragd.observe.ChatObserver;
import dev.ragd.retrieval.Embedder;
import dev.ragd.retrieval.Retriever;
import dev.ragd.retrieval.SearchUnavailableException;
import dev.ragd.testsupport.FakeAzureSearch;
import dev.ragd.testsupport.SearchIndexes;
import dev.ragd.testsupport.TestEmbedders;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A throttled or unavailable search service is waited for as it asks, within the search budget,
 * then reported as retryable; every wait is told to the observer. A misconfigured index, key or
 * field fails startup with a message naming the setting.
 */
class AzureSearchFailuresTest {

    final Embedder embedder = TestEmbedders.fake("fake-hash");
    final List<String> events = new CopyOnWriteArrayList<>();
    final ChatObserver observer = new ChatObserver() {
        @Override
        public void searchThrottled(String service, int status, long delayMs) {
            events.add("throttled " + service + " " + status + " " + delayMs);
        }

        @Override
        public void searchUnavailable(String service, int status) {
            events.add("unavailable " + service + " " + status);
        }
    };
    FakeAzureSearch search;

    @BeforeEach
    void service() throws Exception {
        search = new FakeAzureSearch(AzureSearchRetrieverTest.KEY).index(SearchIndexes.ragd("docs", embedder.dimension(), false));
        search.documents("docs", List.of(new JsonObject().put("id", "a").put("title", "Kettle").put("content",
                "A kettle for hot water.").put("category", "x").put("vector",
                SearchIndexes.vector(embedder.embedQuery("A kettle for hot water.")))));
    }

    @AfterEach
    void stop() {
        search.close();
    }

    Retriever open(Map<String, String> settings) {
        return AzureSearch.open(AzureSearchRetrieverTest.config(search, "docs", settings), embedder, observer);
    }

    @Test
    void throttledSearchesAreRetriedAfterTheServicesRetryAfter() {
        Retriever r = open(Map.of());
        search.failNext(2, 429, Map.of("retry-after-ms", "120"));
        long start = System.nanoTime();

        assertThat(r.retrieve("kettle", 3)).hasSize(1);

        assertThat((System.nanoTime() - start) / 1_000_000).isGreaterThanOrEqualTo(240);
        assertThat(search.searches()).hasSize(3);
        assertThat(events).containsExactly("throttled azure-ai-search 429 120", "throttled azure-ai-search 429 120");
    }

    @Test
    void anUnavailableServiceIsWaitedForInWholeSecondsOfRetryAfter() {
        Retriever r = open(Map.of());
        search.failNext(1, 503, Map.of("Retry-After", "1"));
        long start = System.nanoTime();

        assertThat(r.retrieve("kettle", 3)).hasSize(1);

        assertThat((System.nanoTime() - start) / 1_000_000).isGreaterThanOrEqualTo(1000);
        assertThat(events).containsExactly("throttled azure-ai-search 503 1000");
    }

    @Test
    void aWaitLongerThanTheBudgetFailsAtOnceAsRetryableWithTheServicesDelay() {
        Retriever r = open(Map.of("RAGD_SEARCH_BUDGET_MS", "2000"));
        search.failNext(5, 429, Map.of("Retry-After", "30"));
        long start = System.nanoTime();

        assertThatThrownBy(() -> r.retrieve("kettle", 3)).isInstanceOfSatisfying(SearchUnavailableException.class, e -> {
            assertThat(e.status()).isEqualTo(429);
            assertThat(e.retryAfterMs()).isEqualTo(30_000);
            assertThat(e.getMessage()).contains("RAGD_SEARCH_BUDGET_MS=2000");
        });
        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(2000);
        assertThat(search.searches()).hasSize(1);
        assertThat(events).containsExactly("unavailable azure-ai-search 429");
    }

    @Test
    void retriesStopWhenTheBudgetIsSpent() {
        Retriever r = open(Map.of("RAGD_SEARCH_BUDGET_MS", "700"));
        search.failNext(50, 503, Map.of("retry-after-ms", "200"));

        assertThatThrownBy(() -> r.retrieve("kettle", 3)).isInstanceOf(SearchUnavailableException.class);
        assertThat(search.searches()).hasSizeBetween(3, 4);
        assertThat(events).last().isEqualTo("unavailable azure-ai-search 503");
    }

    @Test
    void aRequestTheServiceRejectsIsNotRetried() {
        Retriever r = open(Map.of("RAGD_SEARCH_FILTER", "category gt 3"));

        assertThatThrownBy(() -> r.retrieve("kettle", 3)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("HTTP 400");
        assertThat(search.searches()).hasSize(1);
        assertThat(events).isEmpty();
    }

    @Test
    void startupNamesTheSettingAtFault() throws Exception {
        assertThatThrownBy(() -> AzureSearch.open(AzureSearchRetrieverTest.config(search, "nope", Map.of()), embedder,
                observer)).isInstanceOf(ConfigException.class).hasMessageContaining("AI_SEARCH_NAME=nope");
        assertThatThrownBy(() -> open(Map.of("AI_SEARCH_KEY", "wrong"))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("AI_SEARCH_KEY").hasMessageContaining("403").hasMessageNotContaining("wrong");
        assertThatThrownBy(() -> open(Map.of("RAGD_SEARCH_CONTENT_FIELDS", "content,body")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("RAGD_SEARCH_CONTENT_FIELDS names body");
        assertThatThrownBy(() -> open(Map.of("RAGD_SEARCH_TITLE_FIELD", "name")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("RAGD_SEARCH_TITLE_FIELD names name");
        assertThatThrownBy(() -> open(Map.of("RAGD_SEARCH_ID_FIELD", "title")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("RAGD_SEARCH_ID_FIELD=title is not the key");
        assertThatThrownBy(() -> open(Map.of("RAGD_SEARCH_VECTOR_FIELD", "content")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("RAGD_SEARCH_VECTOR_FIELD=content is not a vector");
        assertThatThrownBy(() -> open(Map.of("RAGD_SEARCH_MODE", "semantic", "RAGD_SEARCH_SEMANTIC_CONFIG", "other")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("RAGD_SEARCH_SEMANTIC_CONFIG=other")
                .hasMessageContaining("ragd-semantic");
        assertThatThrownBy(() -> open(Map.of("RAGD_SEARCH_CLIENT_FILTERS", "title")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("RAGD_SEARCH_CLIENT_FILTERS names title, which is not filterable");
        assertThatThrownBy(() -> open(Map.of("RAGD_SEARCH_VECTORIZE", "service")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("RAGD_SEARCH_VECTORIZE=service needs a vectorizer");
        assertThatThrownBy(() -> AzureSearch.open(AzureSearchRetrieverTest.config(search, "docs", Map.of()),
                TestEmbedders.local(), observer)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("holds 16-dimensional vectors").hasMessageContaining("makes 384");
        Map<String, String> unreachable = new HashMap<>(Map.of("RAGD_RETRIEVER", "azure-ai-search", "AI_SEARCH_ENDPOINT",
                "http://127.0.0.1:9", "AI_SEARCH_NAME", "docs", "AI_SEARCH_KEY", "k", "RAGD_SEARCH_BUDGET_MS", "2000"));
        assertThatThrownBy(() -> AzureSearch.open(dev.ragd.config.SearchConfig.from(new dev.ragd.config.Env(unreachable)),
                embedder, observer)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("AI_SEARCH_ENDPOINT=http://127.0.0.1:9 could not be reached");
    }

    @Test
    void enforcingAccessListsNeedsFilterableStringCollectionsInTheIndex() {
        assertThatThrownBy(() -> AzureSearch.open(AzureSearchRetrieverTest.config(search, "docs", Map.of()), true,
                embedder, observer, null)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("RAGD_SEARCH_ACCESS_USERS_FIELD names allowed_users, which is not a field");
        assertThatThrownBy(() -> AzureSearch.open(AzureSearchRetrieverTest.config(search, "docs", Map.of(
                "RAGD_SEARCH_ACCESS_USERS_FIELD", "category", "RAGD_SEARCH_ACCESS_GROUPS_FIELD", "category")), true,
                embedder, observer, null)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("RAGD_SEARCH_ACCESS_USERS_FIELD names category, of type Edm.String")
                .hasMessageContaining("must be a filterable Collection(Edm.String)");
        assertThat(open(Map.of()).retrieve("kettle", 3)).as("without RAGD_ENFORCE_ACCESS the index serves as it is")
                .hasSize(1);
    }

    @Test
    void aQueryKeyThatMayNotReadTheIndexDefinitionStillServes() {
        search.acceptQueryKey("query-key");

        Retriever r = open(Map.of("AI_SEARCH_KEY", "query-key"));

        assertThat(r.retrieve("kettle", 3)).hasSize(1);
    }
}
