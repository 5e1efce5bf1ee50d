package dev.ragd.server;

import dev.ragd.auth.Identity;
import dev.ragd.chat.ChatError;
import dev.ragd.chat.ChatPipeline;
import dev.ragd.resume.ResumableAnswers;
import dev.ragd.chat.ErrorCodes;
import dev.ragd.chat.RequestOrigin;
import dev.ragd.config.EdgeConfig;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.ServerWebSocketHandshake;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One HTTP server instance: routes, the two WebSocket protocols and health endpoints. Several
 * instances share the port (Vert.x spreads connections across their event loops). Every request,
 * plain or WebSocket upgrade, passes the {@link Admission} checks first.
 */
final class HttpVerticle extends VerticleBase {

    private static final Logger log = LoggerFactory.getLogger(HttpVerticle.class);
    /** Largest accepted HTTP body and WebSocket message (the Vert.x default message size). */
    static final int MAX_BODY_BYTES = 256 * 1024;
    static final String BOOK_PATH = "/";
    static final String NATIVE_PATH = "/v1/chat";

    private final ChatPipeline pipeline;
    private final ServerSettings settings;
    private final int port;
    private final BooleanSupplier ready;
    private final Map<String, ReadinessCheck> checks;
    private final Admission admission;
    private final EdgeConfig edge;
    private final ConnectionLimiter perAddress;
    private final List<Endpoint> endpoints;
    private final OpenSockets sockets;
    private final Authentication authentication;
    private final ResumableAnswers resumable;
    /**
     * Identities of accepted upgrades until their socket is served, by client address (unique among
     * open connections): the handshake and the WebSocket handler are separate callbacks.
     */
    private final Map<String, Identity> upgrading = new java.util.concurrent.ConcurrentHashMap<>();
    private HttpServer server;
    /** How long a closing WebSocket waits for the client's close frame. */
    private long wsLingerMs;

    /**
     * @param ready  false while starting and from the moment the server starts stopping
     * @param checks further named readiness conditions, evaluated on every {@code /readyz}
     * @param edge       the timeouts and limits each connection is held to ({@link ConnectionGuard})
     * @param perAddress the open-connection count per client address, shared by all instances
     */
    HttpVerticle(ChatPipeline pipeline, ServerSettings settings, int port, BooleanSupplier ready,
                 Map<String, ReadinessCheck> checks, List<Endpoint> endpoints, ConnectionLimiter perAddress,
                 OpenSockets sockets, Authentication authentication, RefusalCounts refused, ResumableAnswers resumable) {
        this.resumable = resumable;
        this.sockets = sockets;
        this.authentication = authentication;
        this.endpoints = endpoints;
        this.pipeline = pipeline;
        this.settings = settings;
        this.port = port;
        this.ready = ready;
        this.checks = Map.copyOf(checks);
        this.edge = settings.edge();
        this.perAddress = perAddress;
        ReadinessCheck warmup = checks.get("warmup");
        this.admission = new Admission(warmup == null ? List.of(new CrossSiteGuard(edge))
                : List.of(new CrossSiteGuard(edge), new WarmingGuard(warmup)), authentication, refused);
    }

    @Override
    public Future<?> start() {
        Router router = Router.router(vertx);
        // While stopping, a connection whose response just ended is closed: Vert.x's graceful
        // shutdown otherwise keeps a keep-alive connection that was busy when it began.
        router.route().handler(this::closeWhenStopping);
        router.route().handler(admission.handler());
        router.route("/healthz").method(HttpMethod.GET).method(HttpMethod.HEAD)
                .handler(ctx -> json(ctx, 200, new JsonObject().put("status", "live")));
        router.route("/readyz").method(HttpMethod.GET).method(HttpMethod.HEAD).handler(this::readyz);
        router.post(NATIVE_PATH)
                .handler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES))
                .handler(new HttpChat(pipeline, settings, resumable))
                .failureHandler(ctx -> chatFailure(ctx, MAX_BODY_BYTES));
        router.post(WsTickets.PATH).handler(new WsTickets(authentication));
        // A body, if any, is read and dropped: the request was paused for admission.
        router.post(StopAnswer.PATH).handler(BodyHandler.create(false).setBodyLimit(1024))
                .handler(new StopAnswer(pipeline)).failureHandler(ctx -> chatFailure(ctx, 1024));
        router.get(ResumeRoute.PATH).handler(new ResumeRoute(pipeline, settings, resumable));
        router.post(FeedbackRoute.PATH).handler(BodyHandler.create(false).setBodyLimit(FeedbackRoute.MAX_BODY_BYTES))
                .handler(new FeedbackRoute(pipeline)).failureHandler(ctx -> chatFailure(ctx, FeedbackRoute.MAX_BODY_BYTES));
        new ConversationRoutes(pipeline.conversations()).mount(router);
        for (Endpoint e : endpoints) {
            router.route(e.path()).method(HttpMethod.GET).method(HttpMethod.HEAD).handler(ctx -> serve(ctx, e));
        }
        router.route("/*").method(HttpMethod.GET).method(HttpMethod.HEAD).handler(PageAssets.load());

        // No WebSocket compression: Vert.x then has Netty's decoder refuse RSV bits (no extension can
        // be negotiated), and a small compressed frame cannot inflate in memory far past the size
        // limit before the message limit is checked (Vert.x sets no bound on inflation).
        HttpServerOptions options = new HttpServerOptions()
                .setMaxWebSocketMessageSize(MAX_BODY_BYTES)
                .setMaxWebSocketFrameSize(MAX_BODY_BYTES)
                .setPerMessageWebSocketCompressionSupported(false)
                .setPerFrameWebSocketCompressionSupported(false)
                // Any subprotocol the client offers is accepted (the first one offered is selected, as
                // browsers require an answer when they offer one): the credential subprotocols
                // bearer.<token> and ticket.<ticket> cannot be listed in advance.
                .setWebSocketSubProtocols(List.of("*"));
        wsLingerMs = TimeUnit.SECONDS.toMillis(options.getWebSocketClosingTimeout());
        // HTTP/1.1 only. With cleartext HTTP/2 on (Vert.x's default), a connection's HTTP/1.x pipeline,
        // and so its ConnectionGuard, is set up only after its first request has been read: a slow or
        // refused first request would slip past the guard.
        options.setHttp2ClearTextEnabled(false);
        server = vertx.createHttpServer(options)
                .connectionHandler(connection -> ConnectionGuard.install(connection, edge, perAddress))
                .webSocketHandshakeHandler(this::handshake)
                .webSocketHandler(ws -> serve(ws, Admission.origin(ws.headers(),
                        NATIVE_PATH.equals(ws.path()) ? RequestOrigin.WS_NATIVE : RequestOrigin.WS_BOOK,
                        upgrading.remove(String.valueOf(ws.remoteAddress())))))
                .requestHandler(router);
        return server.listen(port, settings.host());
    }

    /** While stopping, a connection whose response just ended is closed: Vert.x's graceful shutdown
     * otherwise keeps a keep-alive connection that was busy when it began. */
    private void closeWhenStopping(RoutingContext ctx) {
        ctx.addEndHandler(ar -> {
            if (!ready.getAsBoolean()) {
                ctx.request().connection().close();
            }
        });
        ctx.next();
    }

    private void handshake(ServerWebSocketHandshake h) {
        String path = h.path();
        if (!ready.getAsBoolean()) {
            h.reject(503);
        } else if (!(BOOK_PATH.equals(path) || path.isEmpty() || NATIVE_PATH.equals(path))) {
            h.reject(404);
        } else {
            Admission.onContext(admission.admit(h), ar -> {
                if (ar.succeeded()) {
                    String key = String.valueOf(h.remoteAddress());
                    upgrading.put(key, ar.result());
                    h.accept().onFailure(e -> upgrading.remove(key));
                }
            });
        }
    }

    /** Serves an accepted WebSocket; called before it reads its first frame. */
    private void serve(ServerWebSocket ws, RequestOrigin origin) {
        // Protocol errors, bad UTF-8 and oversized messages get a close frame naming them.
        WebSocketGuard.install(ws, MAX_BODY_BYTES, MAX_DISCARD_BYTES, wsLingerMs);
        sockets.opened(origin.protocol(), ws);
        // On a graceful shutdown, keep the socket open until the answers in flight are done (their
        // end frames sent), then say goodbye; the shutdown timeout caps it. awaitIdle completes as a
        // request's record is written, just before its end frame is handed to the socket in the same
        // event-loop task; closing one task later on the socket's context lets that frame go out first.
        Context connection = vertx.getOrCreateContext();
        ws.shutdownHandler(v -> pipeline.awaitIdle().onComplete(ar -> connection.runOnContext(
                x -> ws.close((short) 1001, "server shutting down"))));
        java.util.function.BooleanSupplier busy = RequestOrigin.WS_NATIVE.equals(origin.protocol())
                ? NativeSocket.attach(ws, pipeline, settings, origin, resumable)::busy
                : BookSocket.attach(ws, pipeline, settings, origin)::busy;
        ConnectionGuard.webSocket(ws, busy);
        SocketHeartbeat.attach(vertx, ws, edge.heartbeatMs(), busy);
    }

    int actualPort() {
        return server == null ? -1 : server.actualPort();
    }

    /**
     * Stops listening at once and lets open connections finish: a WebSocket closes (1001) when the
     * answers in flight are done, an HTTP connection after its current response; whatever is still
     * open after {@code graceMs} is closed.
     */
    Future<Void> shutdown(long graceMs) {
        return server == null ? Future.succeededFuture() : server.shutdown(graceMs, TimeUnit.MILLISECONDS);
    }

    private void readyz(RoutingContext ctx) {
        boolean running = ready.getAsBoolean();
        Map<String, String> reasons = new LinkedHashMap<>();
        Map<String, Object> degraded = new LinkedHashMap<>();
        if (running) {
            checks.forEach((name, check) -> {
                String reason = check.notReadyReason();
                if (reason != null && check.advisory()) {
                    degraded.put(name, reason);
                } else if (reason != null) {
                    reasons.put(name, reason);
                }
            });
        }
        boolean ok = running && reasons.isEmpty();
        JsonObject body = new JsonObject().put("status", ok ? "ready" : running ? "not_ready" : "stopping");
        if (!reasons.isEmpty()) {
            body.put("reasons", new JsonObject(new LinkedHashMap<>(reasons)));
        }
        if (!degraded.isEmpty()) {
            body.put("degraded", new JsonObject(degraded));
        }
        json(ctx, ok ? 200 : 503, body
                .put("retriever", pipeline.retrieverName()).put("model", pipeline.model())
                .put("language_model", pipeline.languageModel()).put("chat_log", pipeline.chatLogName())
                .put("test_mode", settings.testMode()));
    }

    /**
     * How much of an oversized body is read and thrown away, at most, so that a client that writes
     * its whole body before reading sees its 413; past it the connection is closed at once.
     */
    static final long MAX_DISCARD_BYTES = 256L * MAX_BODY_BYTES;

    private void chatFailure(RoutingContext ctx, int bodyLimit) {
        int status = ctx.statusCode();
        ChatError error = switch (status) {
            case 413 -> ChatError.of(ErrorCodes.PAYLOAD_TOO_LARGE,
                    "the request body is larger than " + bodyLimit + " bytes", false);
            case 400 -> ChatError.of(ErrorCodes.BAD_REQUEST, "the request body could not be read", false);
            default -> ChatError.of(ErrorCodes.INTERNAL_ERROR, "the server failed; please try again", false);
        };
        if (ctx.response().closed()) { // the client went away or was cut off (request timeout)
            log.atDebug().setCause(ctx.failure()).addKeyValue("status", status).log("chat request ended with its connection");
            return;
        }
        if (status != 413 && status != 400) {
            log.atError().setCause(ctx.failure()).addKeyValue("status", status).log("chat request failed");
        }
        if (status == 413) {
            EarlyRefusal.answer(ctx, error, MAX_DISCARD_BYTES);
            return;
        }
        HttpChat.sendError(ctx.response(), error);
    }

    /** An extra endpoint's body, made on a worker thread (a metrics scrape can take milliseconds). */
    private void serve(RoutingContext ctx, Endpoint e) {
        vertx.executeBlocking(e.body()::get, false).onComplete(ar -> {
            if (ar.failed()) {
                log.atError().setCause(ar.cause()).addKeyValue("path", e.path()).log("endpoint failed");
                ctx.fail(500);
                return;
            }
            ctx.response().setStatusCode(200).putHeader("content-type", e.contentType())
                    .putHeader("cache-control", "no-store");
            e.headers().forEach(ctx.response()::putHeader);
            PageAssets.end(ctx, io.vertx.core.buffer.Buffer.buffer(ar.result()));
        });
    }

    /** Answers {@code body} (for {@code HEAD}: its headers only). */
    private static void json(RoutingContext ctx, int status, JsonObject body) {
        ctx.response().setStatusCode(status).putHeader("content-type", HttpChat.JSON)
                .putHeader("cache-control", "no-store");
        PageAssets.end(ctx, body.toBuffer());
    }
}
