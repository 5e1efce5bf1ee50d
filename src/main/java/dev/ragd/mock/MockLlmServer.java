package dev.ragd.mock;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An OpenAI- and Azure-OpenAI-compatible upstream simulator on Vert.x: grounded answers, deterministic
 * embeddings, and seeded rate limits, server errors and stalls. Non-blocking: each connection lives
 * on one of {@code eventLoops} event loops; counters and the decision sequence are shared. Counters at {@link #stats()} and {@code GET /mock/stats}; {@code POST /mock/reset}
 * zeroes them, restarts the decision sequence from the seed and forgets recorded requests.
 */
public final class MockLlmServer {

    private static final Logger log = LoggerFactory.getLogger(MockLlmServer.class);
    private static final int BODY_LIMIT = 16 * 1024 * 1024;

    private final Vertx vertx;
    private volatile MockLlmOptions options;
    private final MockStats stats = new MockStats();
    private volatile Decisions decisions;
    private final ChatCompletions chat;
    private final Map<MockRoute, RecordedRequest> recorded = new ConcurrentHashMap<>();
    private final AtomicInteger openRequests = new AtomicInteger();
    private final AtomicLong ids = new AtomicLong();
    private final List<String> deployments = new CopyOnWriteArrayList<>();
    private final Set<Integer> ports = ConcurrentHashMap.newKeySet();

    private final LongSupplier clockMs;
    private volatile RateLimitHeaders rateLimits;

    private MockLlmServer(Vertx vertx, MockLlmOptions options, LongSupplier clockMs) {
        this.vertx = vertx;
        this.options = options;
        this.clockMs = clockMs;
        this.rateLimits = new RateLimitHeaders(clockMs, options.rpm(), options.tpm());
        this.decisions = decisions(options);
        this.chat = new ChatCompletions(vertx, () -> this.options, stats);
    }

    /**
     * Binds the server: one listener per {@link MockLlmOptions#eventLoops()}, each on its own event loop,
     * sharing the port. The future fails when the port cannot be bound.
     */
    /** The simulator's estimate of a text's tokens, which its quotas charge (words plus punctuation marks). */
    public static int approxTokens(String text) {
        return Prompt.approxTokens(text);
    }

    public static Future<MockLlmServer> start(Vertx vertx, MockLlmOptions options) {
        return start(vertx, options, System::currentTimeMillis);
    }

    /** {@link #start(Vertx, MockLlmOptions)} with the clock of the per-minute quota (for tests). */
    static Future<MockLlmServer> start(Vertx vertx, MockLlmOptions options, LongSupplier clockMs) {
        MockLlmServer mock = new MockLlmServer(vertx, options, clockMs);
        int listenPort;
        try {
            listenPort = options.port() == 0 && options.eventLoops() > 1 ? Requests.freePort(options.host()) : options.port();
        } catch (IOException e) {
            return Future.failedFuture(e);
        }
        return vertx.deployVerticle(() -> mock.new Listener(listenPort),
                        new DeploymentOptions().setInstances(options.eventLoops()))
                .map(id -> {
                    mock.deployments.add(id);
                    if (mock.ports.size() != 1) {
                        throw new IllegalStateException("listeners bound different ports: " + mock.ports);
                    }
                    return id;
                })
                .recover(e -> mock.close().transform(ignored -> Future.failedFuture(e)))
                .map(ignored -> {
                    log.atInfo().addKeyValue("port", mock.port()).addKeyValue("event_loops", options.eventLoops())
                            .log("mock-llm listening");
                    return mock;
                });
    }

    /** One HTTP server on the deploying event loop; servers on the same port share its connections. */
    private final class Listener extends VerticleBase {
        private final int listenPort;

        Listener(int listenPort) {
            this.listenPort = listenPort;
        }

        @Override
        public Future<?> start() {
            return vertx.createHttpServer(new HttpServerOptions().setHost(options.host()).setPort(listenPort))
                    .requestHandler(router())
                    .listen()
                    .onSuccess(s -> ports.add(s.actualPort()));
        }
    }

    /** The bound port (the ephemeral one when started with port 0). */
    public int port() {
        return ports.iterator().next();
    }

    /** The options in force (the last {@link #reconfigure} applied). */
    public MockLlmOptions options() {
        return options;
    }

    /**
     * Changes the behaviour of the running simulator, for tests that make a healthy upstream fail
     * or a failing one recover: every knob of {@code behaviour} applies to requests arriving from now
     * on, except host, port and event loops, which stay as bound. The decision sequence restarts from
     * the new seed; counters and recorded requests are kept. A changed per-minute quota starts afresh.
     */
    public void reconfigure(MockLlmOptions behaviour) {
        MockLlmOptions bound = options;
        MockLlmOptions next = behaviour.withHost(bound.host()).withPort(bound.port()).withEventLoops(bound.eventLoops());
        decisions = decisions(next);
        if (next.rpm() != bound.rpm() || next.tpm() != bound.tpm()) {
            rateLimits = new RateLimitHeaders(clockMs, next.rpm(), next.tpm());
        }
        options = next;
    }

    private static Decisions decisions(MockLlmOptions o) {
        return new Decisions(o.seed(), o.rate429(), o.rate5xx(), o.stall(), o.cut());
    }

    public MockStats.Snapshot stats() {
        return stats.snapshot();
    }

    /** Zeroes the counters, restarts the decision sequence and forgets recorded requests. */
    public void reset() {
        stats.reset();
        decisions.restart();
        recorded.clear();
    }

    /** The last request {@code route} received since start or reset. */
    public Optional<RecordedRequest> lastRequest(MockRoute route) {
        return Optional.ofNullable(recorded.get(route));
    }

    /** Stops listening and closes every open connection (stalled streams included). */
    public Future<Void> close() {
        List<Future<Void>> undeployed = new ArrayList<>();
        for (String id : deployments) {
            undeployed.add(vertx.undeploy(id));
        }
        deployments.clear();
        return Future.join(undeployed).mapEmpty();
    }

    private Router router() {
        Router router = Router.router(vertx);
        router.route().handler(BodyHandler.create(false).setBodyLimit(BODY_LIMIT));
        router.post("/v1/chat/completions").handler(ctx -> api(ctx, MockRoute.CHAT));
        router.post("/v1/embeddings").handler(ctx -> api(ctx, MockRoute.EMBEDDINGS));
        router.get("/v1/models").handler(ctx -> api(ctx, MockRoute.MODELS));
        router.post("/openai/deployments/:deployment/chat/completions").handler(ctx -> api(ctx, MockRoute.AZURE_CHAT));
        router.post("/openai/deployments/:deployment/embeddings").handler(ctx -> api(ctx, MockRoute.AZURE_EMBEDDINGS));
        MockAdmin.install(router, this);
        router.route().last().handler(ctx -> {
            stats.request();
            send(ctx.response(), ApiError.notFound(ctx.request().method().name(), ctx.request().path()));
        });
        return router;
    }

    private void api(RoutingContext ctx, MockRoute route) {
        stats.request();
        HttpServerResponse response = ctx.response();
        boolean azure = route.azure();
        String requestId = "req_" + Long.toHexString(0x5eed0000000000L + ids.incrementAndGet());
        response.putHeader("x-request-id", requestId);
        if (azure) {
            response.putHeader("apim-request-id", requestId);
        }
        recorded.put(route, Requests.record(ctx));
        RateLimitHeaders quota = rateLimits;
        quota.peek().put(response);
        ApiError refused = Requests.authorize(ctx.request(), azure, options.apiKey());
        if (refused != null) {
            send(response, refused);
            return;
        }
        if (route == MockRoute.MODELS) {
            sendJson(response, Wire.models(System.currentTimeMillis() / 1000));
            return;
        }
        JsonObject body;
        try {
            body = new JsonObject(ctx.body().asString());
        } catch (DecodeException | ClassCastException | NullPointerException e) {
            send(response, ApiError.invalid("We could not parse the JSON body of your request. (HINT: This likely "
                    + "means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload.)",
                    null, null));
            return;
        }
        String model = azure ? ctx.pathParam("deployment") : body.getValue("model") instanceof String m ? m : null;
        if (model == null || model.isBlank()) {
            send(response, ApiError.invalid("you must provide a model parameter", null, null));
            return;
        }
        EmbeddingsEndpoint.Request embeddings = null;
        try {
            if (route.chat()) {
                ApiError invalid = ChatCompletions.validate(body);
                if (invalid != null) {
                    send(response, invalid);
                    return;
                }
            } else {
                embeddings = EmbeddingsEndpoint.parse(body);
            }
        } catch (ApiErrorException e) {
            send(response, e.error());
            return;
        }
        boolean streaming = route.chat() && ChatCompletions.streaming(body);
        Decision decision = decisions.next(streaming);
        String operation = route.chat() ? "ChatCompletions_Create" : "Embeddings_Create";
        if (decision.kind() == Decision.Kind.RATE_LIMITED || !admit()) {
            send(response, RateLimitHeaders.refused(response, azure, operation, ctx.request().getParam("api-version"),
                    options.retryAfterS()));
            return;
        }
        Runnable done = once(openRequests::decrementAndGet);
        long cost = embeddings != null ? EmbeddingsEndpoint.quotaCost(embeddings) : ChatCompletions.quotaCost(body, options);
        RateLimitHeaders.Headroom headroom = quota.take(cost);
        headroom.put(response);
        if (!headroom.admitted()) {
            done.run();
            send(response, headroom.refusal(response, azure, operation, ctx.request().getParam("api-version")));
            return;
        }
        stats.charged(cost);
        switch (decision.kind()) {
            case ERROR_500, ERROR_503 -> {
                done.run();
                send(response, ApiError.serverError(decision.kind() == Decision.Kind.ERROR_503 ? 503 : 500));
            }
            default -> {
                if (embeddings != null) {
                    done.run();
                    sendJson(response, EmbeddingsEndpoint.respond(embeddings, model));
                } else {
                    String id = "chatcmpl-" + Long.toHexString(0x6d6f636b00000000L + ids.get());
                    stats.status(200);
                    chat.respond(response, body, model, azure, id, decision, done);
                }
            }
        }
    }

    private boolean admit() {
        int now = openRequests.incrementAndGet();
        if (options.maxConcurrent() > 0 && now > options.maxConcurrent()) {
            openRequests.decrementAndGet();
            return false;
        }
        return true;
    }

    private void send(HttpServerResponse response, ApiError error) {
        stats.status(error.status());
        response.setStatusCode(error.status()).putHeader("content-type", "application/json")
                .end(error.toJson().encode());
    }

    private void sendJson(HttpServerResponse response, JsonObject body) {
        stats.status(200);
        response.putHeader("content-type", "application/json").end(body.encode());
    }

    private static Runnable once(Runnable action) {
        AtomicBoolean ran = new AtomicBoolean();
        return () -> {
            if (ran.compareAndSet(false, true)) {
                action.run();
            }
        };
    }
}
