package dev.ragd.retrieval;

import com.azure.ai.openai.OpenAIClient;
import com.azure.ai.openai.OpenAIClientBuilder;
import com.azure.ai.openai.OpenAIServiceVersion;
import com.azure.core.credential.AzureKeyCredential;
import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpHeaders;
import com.azure.core.http.HttpPipelineCallContext;
import com.azure.core.http.policy.AddHeadersPolicy;
import com.azure.core.http.policy.FixedDelayOptions;
import com.azure.core.http.policy.HttpPipelineSyncPolicy;
import com.azure.core.http.policy.RetryOptions;
import com.azure.core.util.HttpClientOptions;
import com.azure.core.util.UrlBuilder;
import com.azure.identity.DefaultAzureCredentialBuilder;
import dev.ragd.config.LlmConfig;
import java.time.Duration;

/**
 * The Azure OpenAI client ragd's one-shot calls (query rewriting, embeddings) use, built here
 * rather than by LangChain4j so that:
 * <ul>
 *   <li>{@code AZURE_OPENAI_API_VERSION} is sent exactly as configured (the SDK only knows the
 *       versions it was built with and silently falls back to its latest preview otherwise);</li>
 *   <li>a plain {@code http://} endpoint (a local simulator such as {@code ragd mock-llm}) gets the
 *       key as the {@code api-key} header: the SDK's key credential refuses plain HTTP;</li>
 *   <li>the SDK does not retry (ragd's calls are short and fall back, or fail startup).</li>
 * </ul>
 */
public final class AzureOpenAiClients {

    private AzureOpenAiClients() {}

    /** A client for the configured endpoint, key or Entra ID auth, with {@code timeout} per response. */
    public static OpenAIClient create(LlmConfig config, Duration timeout) {
        OpenAIClientBuilder b = new OpenAIClientBuilder()
                .endpoint(config.azureEndpoint())
                .serviceVersion(OpenAIServiceVersion.getLatest())
                .addPolicy(new ApiVersionPolicy(config.azureApiVersion()))
                .addPolicy(new AzureTraceHeadersPolicy())
                .retryOptions(new RetryOptions(new FixedDelayOptions(0, Duration.ZERO)))
                .clientOptions(new HttpClientOptions().setResponseTimeout(timeout).setReadTimeout(timeout));
        if ("entra".equals(config.azureAuth())) {
            b.credential(new DefaultAzureCredentialBuilder().build());
        } else if (config.azureEndpoint().startsWith("http://")) {
            b.addPolicy(new AddHeadersPolicy(new HttpHeaders().set(HttpHeaderName.fromString("api-key"),
                    config.azureApiKey())));
        } else {
            b.credential(new AzureKeyCredential(config.azureApiKey()));
        }
        return b.buildClient();
    }

    /** Replaces the SDK's {@code api-version} query parameter with the configured one. */
    private static final class ApiVersionPolicy extends HttpPipelineSyncPolicy {
        private final String version;

        ApiVersionPolicy(String version) {
            this.version = version;
        }

        @Override
        protected void beforeSendingRequest(HttpPipelineCallContext context) {
            UrlBuilder url = UrlBuilder.parse(context.getHttpRequest().getUrl());
            url.setQueryParameter("api-version", version);
            context.getHttpRequest().setUrl(url.toString());
        }
    }
}
