package dev.ragd.llm.openai;

import dev.ragd.config.LlmConfig;
import dev.ragd.llm.GenerationRequest;
import dev.ragd.llm.Generator;
import dev.ragd.llm.TokenStream;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import java.util.Arrays;
import java.util.Objects;

/**
 * Answers with a hosted chat model (OpenAI-compatible or Azure OpenAI), streaming tokens from the
 * upstream's server-sent events straight onto the caller's event loop.
 *
 * <p>One shared HTTP/1.1 client (keep-alive, no pipelining, a pool sized for
 * {@code max(1024, RAGD_MAX_CONCURRENT_GENERATIONS)} concurrent streams, TLS for https URLs) and one
 * circuit breaker per generator (= per upstream). Each {@link #stream} is an {@link OpenAiTokenStream}:
 * retries before the first token, never after; timeouts; cancel closes the upstream connection.
 * The generator is also the upstream's {@link UpstreamHealth}.
 */
public final class OpenAiStreamingGenerator implements Generator, UpstreamHealth {

    private final Vertx vertx;
    private final LlmConfig config;
    private final UpstreamEndpoint endpoint;
    private final AccessTokenSource tokens;
    private final HttpClientAgent client;
    private final CircuitBreaker breaker;
    private final UpstreamErrors errors;
    private final RetryPolicy retryPolicy;
    private final Prompts prompts;

    /** For {@code RAGD_LLM=openai|azure-openai}; with {@code AZURE_OPENAI_AUTH=entra} tokens come from {@link EntraTokenSource}. */
    public OpenAiStreamingGenerator(Vertx vertx, LlmConfig config) {
        this(vertx, config, "entra".equals(config.azureAuth()) && "azure-openai".equals(config.provider())
                ? new EntraTokenSource(vertx) : null);
    }

    /** @param tokens bearer tokens for Azure with Entra auth; may be {@code null} otherwise */
    public OpenAiStreamingGenerator(Vertx vertx, LlmConfig config, AccessTokenSource tokens) {
        this.vertx = Objects.requireNonNull(vertx, "vertx");
        this.config = Objects.requireNonNull(config, "config");
        this.endpoint = UpstreamEndpoint.from(config);
        if (endpoint.needsToken() && tokens == null) {
            throw new IllegalArgumentException("AZURE_OPENAI_AUTH=entra needs an access token source");
        }
        this.tokens = tokens;
        HttpClientOptions options = new HttpClientOptions()
                .setName("ragd-llm")
                .setProtocolVersion(HttpVersion.HTTP_1_1)
                .setKeepAlive(true)
                .setPipelining(false)
                .setTcpNoDelay(true)
                .setDecompressionSupported(false)
                .setConnectTimeout(config.connectTimeoutMs())
                .setSsl(endpoint.url().startsWith("https:"))
                .setVerifyHost(true);
        PoolOptions pool = new PoolOptions()
                .setHttp1MaxSize(Math.max(1024, config.maxConcurrentGenerations()))
                .setMaxWaitQueueSize(-1);
        this.client = vertx.httpClientBuilder().with(options).with(pool).build();
        this.breaker = new CircuitBreaker(config.breakerFailures(), config.breakerResetMs(), System::currentTimeMillis);
        this.errors = new UpstreamErrors(System::currentTimeMillis,
                Arrays.asList(config.openAiApiKey(), config.azureApiKey()));
        this.retryPolicy = RetryPolicy.of(config.maxRetries(), config.retryBudgetMs());
        this.prompts = Prompts.load();
    }

    @Override
    public String model() {
        return endpoint.model();
    }

    @Override
    public boolean isLanguageModel() {
        return true;
    }

    @Override
    public TokenStream stream(GenerationRequest request, Context context) {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(context, "context");
        return new OpenAiTokenStream(this, context, endpoint.body(prompts.messages(request)));
    }

    /** The state of this upstream for readiness checks (this generator). */
    public UpstreamHealth health() {
        return this;
    }

    @Override
    public String name() {
        return endpoint.name();
    }

    @Override
    public boolean circuitOpen() {
        return breaker.isOpen();
    }

    @Override
    public long retryAfterMs() {
        return breaker.retryAfterMs();
    }

    /** Closes the HTTP client and its pooled connections. */
    public Future<Void> close() {
        return client.close();
    }

    Vertx vertx() { return vertx; }

    LlmConfig config() { return config; }

    UpstreamEndpoint endpoint() { return endpoint; }

    AccessTokenSource tokens() { return tokens; }

    HttpClientAgent client() { return client; }

    CircuitBreaker breaker() { return breaker; }

    UpstreamErrors errors() { return errors; }

    RetryPolicy retryPolicy() { return retryPolicy; }
}
