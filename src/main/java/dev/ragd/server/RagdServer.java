package dev.ragd.server;

import dev.ragd.chat.ChatPipeline;
import dev.ragd.resume.ResumableAnswers;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ragd HTTP/WebSocket server: the page, health checks, the book-compatible WebSocket at
 * {@code /}, the native WebSocket at {@code /v1/chat} and HTTP {@code POST /v1/chat}.
 *
 * <p>Runs one server verticle instance per CPU core on the same port. A single server would put
 * every connection on one event loop, so JSON encoding and WebSocket framing of all streams would
 * share one core; with an instance per core Vert.x spreads connections over the event loops, while
 * the blocking work (retrieval, chat-log writes) runs on the worker pool either way.
 */
public final class RagdServer {

    private static final Logger log = LoggerFactory.getLogger(RagdServer.class);

    /**
     * A port setting that binds a random free port not shared with the server that asked for port 0
     * (Vert.x shares one random port among servers that ask for the same negative port, and port 0
     * is mapped to -1).
     */
    public static final int PRIVATE_RANDOM_PORT = -2;

    /** How long {@link #close()} waits for interrupted requests to write their records. */
    static final long CLOSE_WAIT_SECONDS = 10;

    private final Vertx vertx;
    private final ChatPipeline pipeline;
    private final List<String> deployments;
    private final List<HttpVerticle> verticles;
    private final int port;
    private final AtomicBoolean ready;
    private final ConnectionLimiter connections;
    private final OpenSockets sockets;
    private final RefusalCounts refused;
    private Future<Void> closing;

    private RagdServer(Vertx vertx, ChatPipeline pipeline, List<String> deployments, List<HttpVerticle> verticles,
                       int port, AtomicBoolean ready, ConnectionLimiter connections, OpenSockets sockets,
                       RefusalCounts refused) {
        this.refused = refused;
        this.connections = connections;
        this.sockets = sockets;
        this.vertx = vertx;
        this.pipeline = pipeline;
        this.deployments = deployments;
        this.verticles = verticles;
        this.port = port;
        this.ready = ready;
    }

    /** Starts with one instance per available processor, no readiness checks beyond "not stopping", no extra endpoints. */
    public static Future<RagdServer> start(Vertx vertx, ServerSettings settings, ChatPipeline pipeline) {
        return start(vertx, settings, pipeline, Map.of(), List.of(), Runtime.getRuntime().availableProcessors());
    }

    /**
     * Binds {@code settings.host()}:{@code settings.port()} ({@code 0} picks a free port, see
     * {@link #actualPort()}) with {@code instances} server instances; {@code /readyz} answers 503 with
     * the reasons while any of {@code checks} (by name, e.g. {@code "chat_log"}) reports one, and
     * while stopping; {@code endpoints} are served as given. Fails when the port cannot be bound.
     */
    public static Future<RagdServer> start(Vertx vertx, ServerSettings settings, ChatPipeline pipeline,
                                           Map<String, ReadinessCheck> checks, List<Endpoint> endpoints, int instances) {
        return start(vertx, settings, pipeline, checks, endpoints, instances, ServerAuth.none());
    }

    /** As {@link #start(Vertx, ServerSettings, ChatPipeline, Map, List, int)}, admitting callers by {@code auth}. */
    public static Future<RagdServer> start(Vertx vertx, ServerSettings settings, ChatPipeline pipeline,
                                           Map<String, ReadinessCheck> checks, List<Endpoint> endpoints, int instances,
                                           ServerAuth auth) {
        Authentication authentication = new Authentication(auth.authenticator(), auth.tickets(), auth.ticketTtlMs());
        if (instances < 1) {
            throw new IllegalArgumentException("instances must be at least 1, was " + instances);
        }
        AtomicBoolean ready = new AtomicBoolean(false);
        // Port 0 would give every instance its own random port; Vert.x shares one random port
        // among servers that ask for the same negative port.
        int bindPort = settings.port() == 0 ? -1 : settings.port();
        List<HttpVerticle> verticles = new CopyOnWriteArrayList<>();
        // One count for the whole server: the instances share the port, a client's connections spread over them.
        ConnectionLimiter perAddress = new ConnectionLimiter(settings.edge().maxConnectionsPerIp());
        OpenSockets sockets = new OpenSockets();
        RefusalCounts refused = new RefusalCounts();
        // One for the whole server: a client may resume on any instance (event loop) an answer of another.
        ResumableAnswers resumable = new ResumableAnswers(vertx, settings.edge().resumeWindowMs(), pipeline.sharedFrames());
        return vertx.deployVerticle(() -> {
            HttpVerticle v = new HttpVerticle(pipeline, settings, bindPort, ready::get, new LinkedHashMap<>(checks),
                    List.copyOf(endpoints), perAddress, sockets, authentication, refused, resumable);
            verticles.add(v);
            return v;
        }, new DeploymentOptions().setInstances(instances)).map(id -> {
            int port = verticles.getFirst().actualPort();
            return new RagdServer(vertx, pipeline, List.of(id), List.copyOf(verticles), port, ready, perAddress, sockets, refused);
        }).onSuccess(s -> {
            ready.set(true);
            if (settings.edge().anyOrigin()) {
                log.atWarn().log("RAGD_ALLOWED_ORIGINS=* lets a page on any web site use this server with its"
                        + " visitors' browsers; list your sites' origins instead");
            }
            log.atInfo().addKeyValue("host", settings.host()).addKeyValue("port", s.port)
                    .addKeyValue("instances", instances).addKeyValue("test_mode", settings.testMode())
                    .addKeyValue("model", pipeline.model()).addKeyValue("retriever", pipeline.retrieverName())
                    .log("ragd listening");
        });
    }

    /** Open TCP connections (HTTP and WebSocket), for metrics. */
    public int openConnections() {
        return connections.open();
    }

    /** Connections refused since start because their address held too many ({@code RAGD_MAX_CONNECTIONS_PER_IP}). */
    public long refusedConnections() {
        return connections.refusedTotal();
    }

    /** The error codes {@link #refusedRequests} counts, {@code other} last. */
    public static List<String> refusalCodes() {
        return RefusalCounts.CODES;
    }

    /** Requests (and WebSocket handshakes) refused at admission with {@code code} since start, for metrics. */
    public long refusedRequests(String code) {
        return refused.total(code);
    }

    /** Open WebSockets of {@code protocol} ({@code ws_book} or {@code ws_native}), for metrics. */
    public int openWebSockets(String protocol) {
        return sockets.open(protocol);
    }

    /** The bound port (the chosen one when the configured port was 0). */
    public int actualPort() {
        return port;
    }

    /** {@link #close(Duration)} without a grace period: in-flight requests are cancelled at once. */
    public Future<Void> close() {
        return close(Duration.ZERO);
    }

    /**
     * Stops the server. Readiness turns red first; then the listener stops taking new connections
     * while open ones may finish their answers for up to {@code grace} (a WebSocket is closed with
     * 1001 once the answers in flight are done, an HTTP connection after its response); whatever is
     * still running after the grace is cancelled (its chat-log record says {@code cancelled}). The
     * returned future completes once the records of every request are written (waiting at most
     * {@value #CLOSE_WAIT_SECONDS} s after the grace). Does not close the Vertx instance or the
     * pipeline's parts; close the chat log after. Later calls return the first call's future.
     */
    public synchronized Future<Void> close(Duration grace) {
        if (closing != null) {
            return closing;
        }
        ready.set(false);
        pipeline.stopAccepting();
        long start = System.nanoTime();
        long graceMs = Math.max(0, grace.toMillis());
        Future<Void> drained;
        if (graceMs == 0) {
            drained = Future.succeededFuture();
        } else {
            log.atInfo().addKeyValue("port", port).addKeyValue("grace_ms", graceMs)
                    .log("draining: not ready, no new connections; letting answers in flight finish");
            List<Future<Void>> shutdowns = new ArrayList<>();
            for (HttpVerticle v : verticles) {
                shutdowns.add(v.shutdown(graceMs));
            }
            drained = Future.join(shutdowns).<Void>mapEmpty().otherwiseEmpty().onComplete(ar -> log.atInfo()
                    .addKeyValue("drain_ms", elapsedMs(start)).log("draining: connections closed"));
        }
        List<Future<Void>> undeploys = new ArrayList<>();
        closing = drained.compose(v -> {
            for (String id : deployments) {
                undeploys.add(vertx.undeploy(id));
            }
            return Future.join(undeploys).<Void>mapEmpty();
        }).eventually(() -> {
            pipeline.cancelRunning(); // answers left running for a resume: nobody can resume them here now
            return pipeline.awaitIdle().timeout(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS).otherwiseEmpty();
        })
                .onComplete(ar -> log.atInfo().addKeyValue("port", port).addKeyValue("stop_ms", elapsedMs(start))
                        .log("ragd stopped"));
        return closing;
    }

    private static long elapsedMs(long startNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }
}
