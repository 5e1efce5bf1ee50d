package dev.ragd.llm.openai;

import dev.ragd.config.LlmConfig;
import dev.ragd.llm.GenerationRequest;
import dev.ragd.llm.Generator;
import dev.ragd.llm.TokenStream;
import dev.ragd.observe.ChatObserver;
import dev.ragd.observe.ModelCall;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.Objects;

/**
 * Answers with a hosted chat model (OpenAI-compatible or Azure OpenAI), streaming tokens from the
 * upstream's server-sent events straight onto the caller's event loop.
 *
 * <p>HTTP/1.1 clients (keep-alive, no pipelining, pools sized for
 * {@code max(1024, RAGD_MAX_CONCURRENT_GENERATIONS)} concurrent streams, TLS for https URLs), one per
 * event loop so connections live on their caller's loop, and one circuit breaker per generator
 * (= per upstream). Each {@link #stream} is an {@link OpenAiTokenStream}:
 * retries before the first token, never after; timeouts; cancel closes the upstream connection.
 * The generator is also the upstream's {@link UpstreamHealth}.
 */
public final class OpenAiStreamingGenerator implements Generator, UpstreamHealth {

    private final Vertx vertx;
    private final LlmConfig config;
    private final UpstreamEndpoint endpoint;
    private final AccessTokenSource tokens;
    private final HttpClientOptions clientOptions;
    private final PoolOptions poolOptions;
    private final HttpClientAgent sharedClient;
    private final Map<Thread, HttpClientAgent> loopClients = new ConcurrentHashMap<>();
    private final CircuitBreaker breaker;
    private final UpstreamErrors errors;
    private final RetryPolicy retryPolicy;
    private final Prompts prompts;
    /** What every call of this generator is, for observers (GenAI semantic-convention attributes). */
    private final ModelCall call;

    /** For {@code RAGD_LLM=openai|azure-openai}; with {@code AZURE_OPENAI_AUTH=entra} tokens come from {@link EntraTokenSource}. */
    public OpenAiStreamingGenerator(Vertx vertx, LlmConfig config) {
        this(vertx, config, ChatObserver.NONE);
    }

    /** As {@link #OpenAiStreamingGenerator(Vertx, LlmConfig)}; the breaker's state changes are told to {@code observer}. */
    public OpenAiStreamingGenerator(Vertx vertx, LlmConfig config, ChatObserver observer) {
        this(vertx, config, "entra".equals(config.azureAuth()) && "azure-openai".equals(config.provider())
                ? new EntraTokenSource(vertx) : null, options -> { }, observer);
    }

    /** @param tokens bearer tokens for Azure with Entra auth; may be {@code null} otherwise */
    public OpenAiStreamingGenerator(Vertx vertx, LlmConfig config, AccessTokenSource tokens) {
        this(vertx, config, tokens, options -> { }, ChatObserver.NONE);
    }

    /** As above; {@code tweak} adjusts the HTTP client options (tests: trust a self-signed upstream). */
    OpenAiStreamingGenerator(Vertx vertx, LlmConfig config, AccessTokenSource tokens, Consumer<HttpClientOptions> tweak) {
        this(vertx, config, tokens, tweak, ChatObserver.NONE);
    }

    OpenAiStreamingGenerator(Vertx vertx, LlmConfig config, AccessTokenSource tokens, Consumer<HttpClientOptions> tweak,
            ChatObserver observer) {
        this.vertx = Objects.requireNonNull(vertx, "vertx");
        this.config = Objects.requireNonNull(config, "config");
        this.endpoint = UpstreamEndpoint.from(config);
        if (endpoint.needsToken() && tokens == null) {
            throw new IllegalArgumentException("AZURE_OPENAI_AUTH=entra needs an access token source");
        }
        this.tokens = tokens;
        this.clientOptions = new HttpClientOptions()
                .setName("ragd-llm")
                .setProtocolVersion(HttpVersion.HTTP_1_1)
                .setKeepAlive(true)
                .setPipelining(false)
                .setTcpNoDelay(true)
                .setDecompressionSupported(false)
                .setConnectTimeout(config.connectTimeoutMs())
                .setSsl(endpoint.url().startsWith("https:"))
                .setVerifyHost(true)
                .setForceSni(true)
                .setKeepAliveTimeout(30);
        tweak.accept(clientOptions);
        this.poolOptions = new PoolOptions()
                .setHttp1MaxSize(Math.max(1024, config.maxConcurrentGenerations()))
                .setMaxWaitQueueSize(-1);
        this.sharedClient = newClient();
        String upstream = endpoint.name();
        this.breaker = new CircuitBreaker(config.breakerFailures(), config.breakerResetMs(), System::currentTimeMillis,
                state -> observer.breakerChanged(upstream, state));
        this.call = new ModelCall("chat", "azure-openai".equals(config.provider()) ? "azure.ai.openai" : "openai",
                endpoint.model(), upstream, host(endpoint.url()));
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
        return new OpenAiTokenStream(this, context, endpoint.body(prompts.messages(request)),
                request.calls().modelCall(call));
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

    /** Closes the HTTP clients and their pooled connections. */
    public Future<Void> close() {
        List<Future<Void>> closing = new ArrayList<>();
        closing.add(sharedClient.close());
        loopClients.values().forEach(c -> closing.add(c.close()));
        return Future.all(closing).mapEmpty();
    }

    private HttpClientAgent newClient() {
        return vertx.httpClientBuilder().with(clientOptions).with(poolOptions).build();
    }

    /**
     * The client for the current thread: one per event loop, so a request's connection is created
     * on (and its buffers read by) the same event loop as the caller's context, with no hop between
     * threads; callers on other threads share one client.
     */
    HttpClientAgent client() {
        Context current = Vertx.currentContext();
        if (current == null || !current.isEventLoopContext()) {
            return sharedClient;
        }
        return loopClients.computeIfAbsent(Thread.currentThread(), t -> newClient());
    }

    private static String host(String url) {
        try {
            return java.net.URI.create(url).getHost();
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * A generator for the start-up warm-up: the same prompt building and stream parsing as this
     * one, on a canned answer, with no network call (so no cost at the model).
     */
    public Generator warmUpGenerator() {
        return new CannedStreamGenerator(this);
    }

    Prompts prompts() { return prompts; }

    Vertx vertx() { return vertx; }

    LlmConfig config() { return config; }

    UpstreamEndpoint endpoint() { return endpoint; }

    AccessTokenSource tokens() { return tokens; }

    CircuitBreaker breaker() { return breaker; }

    UpstreamErrors errors() { return errors; }

    RetryPolicy retryPolicy() { return retryPolicy; }
}
