package dev.ragd.retrieval.azure;

import dev.ragd.config.Env;
import dev.ragd.config.SearchConfig;
import dev.ragd.observe.ChatObserver;
import dev.ragd.retrieval.Embedder;
import dev.ragd.retrieval.Retriever;
import dev.ragd.retrieval.RetrieverContract;
import dev.ragd.testsupport.FakeAzureSearch;
import dev.ragd.testsupport.SearchIndexes;
import dev.ragd.testsupport.TestEmbedders;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Nested;

/**
 * {@link AzureSearchRetriever} passes the retriever contract in each query mode, against
 * {@link FakeAzureSearch} speaking the REST API; the exact requests are {@link AzureSearchRequestsTest}'s.
 */
class AzureSearchRetrieverTest {

    static final String KEY = "admin-key-for-tests";

    /** A fake service holding {@code docs} in a ragd-shaped index, and a retriever over it in {@code mode}. */
    static Retriever build(FakeAzureSearch search, List<RetrieverContract.Doc> docs, String mode, Embedder embedder) {
        String index = "contract-" + mode;
        search.index(SearchIndexes.ragd(index, embedder.dimension(), false));
        search.documents(index, docs.stream().map(d -> new JsonObject().put("id", d.id()).put("title", d.title())
                .put("content", d.text()).put("category", "doc")
                .put("vector", SearchIndexes.vector(embedder.embedPassages(List.of(d.title() + "\n" + d.text())).getFirst()))).toList());
        return AzureSearch.open(config(search, index, Map.of("RAGD_SEARCH_MODE", mode)), embedder, ChatObserver.NONE);
    }

    static SearchConfig config(FakeAzureSearch search, String index, Map<String, String> more) {
        Map<String, String> env = new HashMap<>(Map.of("RAGD_RETRIEVER", "azure-ai-search",
                "AI_SEARCH_ENDPOINT", search.endpoint(), "AI_SEARCH_NAME", index, "AI_SEARCH_KEY", KEY));
        env.putAll(more);
        return SearchConfig.from(new Env(env));
    }

    abstract static class Contract extends RetrieverContract {
        FakeAzureSearch search;

        abstract String mode();

        @Override
        protected Retriever createRetriever(List<Doc> docs, Path dir) throws Exception {
            search = new FakeAzureSearch(KEY);
            return build(search, docs, mode(), TestEmbedders.local());
        }

        @AfterAll
        void stopService() {
            search.close();
        }
    }

    @Nested
    class Hybrid extends Contract {
        @Override
        String mode() {
            return "hybrid";
        }
    }

    @Nested
    class Keyword extends Contract {
        @Override
        String mode() {
            return "keyword";
        }
    }

    @Nested
    class Vector extends Contract {
        @Override
        String mode() {
            return "vector";
        }
    }

    @Nested
    class Semantic extends Contract {
        @Override
        String mode() {
            return "semantic";
        }
    }
}
