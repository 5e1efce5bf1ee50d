package dev.ragd.retrieval.azure;

import com.azure.core.credential.TokenCredential;
import com.azure.core.exception.HttpResponseException;
import com.azure.core.util.Context;
import com.azure.search.documents.indexes.models.SearchIndex;
import com.azure.search.documents.models.SearchOptions;
import dev.ragd.config.ConfigException;
import dev.ragd.config.SearchConfig;
import dev.ragd.observe.ChatObserver;
import dev.ragd.retrieval.Embedder;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Opens the Azure AI Search retriever: reads the index definition, checks it, builds the retriever. */
public final class AzureSearch {

    private static final Logger log = LoggerFactory.getLogger(AzureSearch.class);

    private AzureSearch() {}

    /** {@link #open(SearchConfig, Embedder, ChatObserver, TokenCredential)} with DefaultAzureCredential for entra. */
    public static AzureSearchRetriever open(SearchConfig config, Embedder embedder, ChatObserver observer) {
        return open(config, embedder, observer, null);
    }

    /**
     * The retriever for {@code config}, after checking that the index exists, answers with these
     * credentials and can serve the configured searches ({@link IndexCheck}). Blocking. Fails fast
     * with a {@link ConfigException} naming the setting at fault.
     *
     * @param credential the token source for {@code AI_SEARCH_AUTH=entra}; null: DefaultAzureCredential
     */
    public static AzureSearchRetriever open(SearchConfig config, Embedder embedder, ChatObserver observer,
            TokenCredential credential) {
        return open(config, false, embedder, observer, credential);
    }

    /**
     * As above; with {@code enforceAccess} ({@code RAGD_ENFORCE_ACCESS=true}) the index must also hold
     * the access-list fields every search is then filtered by.
     */
    public static AzureSearchRetriever open(SearchConfig config, boolean enforceAccess, Embedder embedder,
            ChatObserver observer, TokenCredential credential) {
        AzureSearchClients clients = new AzureSearchClients(config, credential);
        Duration timeout = Duration.ofMillis(config.budgetMs());
        SearchIndex index = read(clients, config, timeout);
        String semantic = index == null ? config.semanticConfig()
                : IndexCheck.check(index, config, embedder, enforceAccess);
        Set<String> ragdFields = new HashSet<>();
        if (index != null) {
            index.getFields().forEach(f -> ragdFields.add(f.getName()));
            ragdFields.retainAll(Set.of(RagdIndexSchema.DOC_ID, RagdIndexSchema.CHUNK_ID, RagdIndexSchema.URL));
        }
        AzureSearchRetriever retriever = new AzureSearchRetriever(clients.search(timeout), config, semantic, embedder,
                observer, ragdFields);
        log.atInfo().addKeyValue("endpoint", config.endpoint()).addKeyValue("index", config.index())
                .addKeyValue("mode", config.mode()).addKeyValue("auth", config.auth())
                .addKeyValue("enforce_access", enforceAccess)
                .addKeyValue("api_version", AzureSearchClients.API_VERSION.getVersion())
                .log("retriever: Azure AI Search");
        return retriever;
    }

    /** The index definition; null when the key may search but not read it (a query key). */
    private static SearchIndex read(AzureSearchClients clients, SearchConfig config, Duration timeout) {
        try {
            return clients.indexes(timeout).getIndex(config.index());
        } catch (HttpResponseException e) {
            int status = e.getResponse() == null ? 0 : e.getResponse().getStatusCode();
            if (status == 404) {
                throw new ConfigException("AI_SEARCH_NAME=" + config.index() + ": the service at AI_SEARCH_ENDPOINT="
                        + config.endpoint() + " has no such index");
            }
            if (status == 403 && answersSearches(clients, config, timeout)) {
                // A query key may search but not read index definitions.
                // Unchecked access fields still fail closed: a filter on a missing field is a 400, not a leak.
                log.atWarn().addKeyValue("index", config.index()).log("Azure AI Search: this key may search but not"
                        + " read the index definition (a query key?): the RAGD_SEARCH_* fields are not checked");
                return null;
            }
            throw refused(config, status, e);
        } catch (RuntimeException e) {
            throw new ConfigException("AI_SEARCH_ENDPOINT=" + config.endpoint() + " could not be reached: " + e);
        }
    }

    private static boolean answersSearches(AzureSearchClients clients, SearchConfig config, Duration timeout) {
        try {
            clients.search(timeout).search("*", new SearchOptions().setTop(1).setSelect(config.idField()), Context.NONE)
                    .stream().findFirst();
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static ConfigException refused(SearchConfig config, int status, HttpResponseException e) {
        String who = "entra".equals(config.auth()) ? "the identity of AI_SEARCH_AUTH=entra (it needs the Search Index"
                + " Data Reader role)" : "AI_SEARCH_KEY";
        if (status == 401 || status == 403) {
            return new ConfigException("Azure AI Search refused " + who + ": HTTP " + status);
        }
        return new ConfigException("Azure AI Search at AI_SEARCH_ENDPOINT=" + config.endpoint()
                + " answered HTTP " + status + " reading index " + config.index() + ": " + e.getMessage());
    }
}
