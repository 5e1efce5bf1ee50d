package dev.ragd.retrieval.azure;

import com.azure.core.credential.SimpleTokenCache;
import com.azure.core.credential.TokenCredential;
import com.azure.core.credential.TokenRequestContext;
import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpPipelineCallContext;
import com.azure.core.http.HttpClient;
import com.azure.core.http.HttpPipeline;
import com.azure.core.http.HttpPipelineBuilder;
import com.azure.core.http.policy.RequestIdPolicy;
import com.azure.core.http.policy.UserAgentPolicy;
import com.azure.core.http.policy.HttpPipelinePolicy;
import com.azure.core.http.policy.HttpPipelineSyncPolicy;
import com.azure.core.util.HttpClientOptions;
import com.azure.identity.DefaultAzureCredentialBuilder;
import com.azure.search.documents.SearchClient;
import com.azure.search.documents.SearchClientBuilder;
import com.azure.search.documents.SearchServiceVersion;
import com.azure.search.documents.indexes.SearchIndexClient;
import com.azure.search.documents.indexes.SearchIndexClientBuilder;
import dev.ragd.config.SearchConfig;
import dev.ragd.retrieval.AzureTraceHeadersPolicy;
import java.time.Duration;

/**
 * The Azure AI Search clients ragd uses (the {@code com.azure:azure-search-documents} SDK), built
 * the same way for searching and for index management:
 * <ul>
 *   <li>REST API version {@link #API_VERSION}, the GA version with vector, hybrid and semantic queries;</li>
 *   <li>authentication as a pipeline policy: {@code api-key: <AI_SEARCH_KEY>}, or {@code Authorization:
 *       Bearer} with a token for {@code https://search.azure.com/.default} from DefaultAzureCredential
 *       (cached, refreshed before it expires). One path for {@code https://} services and for a local
 *       {@code http://} test server, which the SDK's own credentials refuse;</li>
 *   <li>no SDK retries: {@link AzureSearchRetriever} retries 429/503 itself, within the search budget;</li>
 *   <li>the request's trace context on every call.</li>
 * </ul>
 */
public final class AzureSearchClients {

    /** The REST API version every request names. */
    public static final SearchServiceVersion API_VERSION = SearchServiceVersion.V2024_07_01;

    /** The token scope of the Azure AI Search data plane. */
    public static final String SCOPE = "https://search.azure.com/.default";

    private final SearchConfig config;
    private final HttpPipelinePolicy auth;

    /** Clients for {@code config}; {@code credential} is used with {@code AI_SEARCH_AUTH=entra} (null: DefaultAzureCredential). */
    public AzureSearchClients(SearchConfig config, TokenCredential credential) {
        this.config = config;
        this.auth = "entra".equals(config.auth())
                ? new BearerPolicy(credential != null ? credential : new DefaultAzureCredentialBuilder().build())
                : new ApiKeyPolicy(config.key());
    }

    /** A client for the configured index; each response may take up to {@code timeout}. */
    public SearchClient search(Duration timeout) {
        return new SearchClientBuilder().endpoint(config.endpoint()).indexName(config.index())
                .serviceVersion(API_VERSION).pipeline(pipeline(timeout)).buildClient();
    }

    /** A client for index definitions (reading one at startup; creating one at ingestion). */
    public SearchIndexClient indexes(Duration timeout) {
        return new SearchIndexClientBuilder().endpoint(config.endpoint())
                .serviceVersion(API_VERSION).pipeline(pipeline(timeout)).buildClient();
    }

    /**
     * ragd's own pipeline: with one, the SDK needs no credential of its own (its credentials refuse
     * plain HTTP) and adds no retry policy.
     */
    private HttpPipeline pipeline(Duration timeout) {
        return new HttpPipelineBuilder()
                .httpClient(HttpClient.createDefault(new HttpClientOptions().setResponseTimeout(timeout)
                        .setReadTimeout(timeout)))
                .policies(new UserAgentPolicy("ragd"), new RequestIdPolicy(), auth, new AzureTraceHeadersPolicy())
                .build();
    }

    private static final class ApiKeyPolicy extends HttpPipelineSyncPolicy {
        private static final HttpHeaderName API_KEY = HttpHeaderName.fromString("api-key");
        private final String key;

        ApiKeyPolicy(String key) {
            this.key = key;
        }

        @Override
        protected void beforeSendingRequest(HttpPipelineCallContext context) {
            context.getHttpRequest().setHeader(API_KEY, key);
        }
    }

    private static final class BearerPolicy extends HttpPipelineSyncPolicy {
        private final SimpleTokenCache tokens;

        BearerPolicy(TokenCredential credential) {
            TokenRequestContext scope = new TokenRequestContext().addScopes(SCOPE);
            this.tokens = new SimpleTokenCache(() -> credential.getToken(scope));
        }

        @Override
        protected void beforeSendingRequest(HttpPipelineCallContext context) {
            context.getHttpRequest().setHeader(HttpHeaderName.AUTHORIZATION, "Bearer " + tokens.getToken().block().getToken());
        }
    }
}
