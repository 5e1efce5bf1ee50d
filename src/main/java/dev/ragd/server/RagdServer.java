package dev.ragd.server;

import dev.ragd.chat.ChatPipeline;
import dev.ragd.config.RagdConfig;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
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

    /** How long {@link #close()} waits for interrupted requests to write their records. */
    static final long CLOSE_WAIT_SECONDS = 10;

    private final Vertx vertx;
    private final ChatPipeline pipeline;
    private final List<String> deployments;
    private final int port;
    private final AtomicBoolean ready;
    private Future<Void> closing;

    private RagdServer(Vertx vertx, ChatPipeline pipeline, List<String> deployments, int port, AtomicBoolean ready) {
        this.vertx = vertx;
        this.pipeline = pipeline;
        this.deployments = deployments;
        this.port = port;
        this.ready = ready;
    }

    /** Starts with one instance per available processor. */
    public static Future<RagdServer> start(Vertx vertx, RagdConfig config, ChatPipeline pipeline) {
        return start(vertx, config, pipeline, Runtime.getRuntime().availableProcessors());
    }

    /**
     * Binds {@code config.host()}:{@code config.port()} ({@code 0} picks a free port, see
     * {@link #actualPort()}) with {@code instances} server instances. Fails when the port cannot be
     * bound.
     */
    public static Future<RagdServer> start(Vertx vertx, RagdConfig config, ChatPipeline pipeline, int instances) {
        if (instances < 1) {
            throw new IllegalArgumentException("instances must be at least 1, was " + instances);
        }
        AtomicBoolean ready = new AtomicBoolean(false);
        // Port 0 would give every instance its own random port; Vert.x shares one random port
        // among servers that ask for the same negative port.
        int bindPort = config.port() == 0 ? -1 : config.port();
        List<HttpVerticle> verticles = new CopyOnWriteArrayList<>();
        return vertx.deployVerticle(() -> {
            HttpVerticle v = new HttpVerticle(pipeline, config.host(), bindPort, ready::get);
            verticles.add(v);
            return v;
        }, new DeploymentOptions().setInstances(instances)).map(id -> {
            int port = verticles.getFirst().actualPort();
            return new RagdServer(vertx, pipeline, List.of(id), port, ready);
        }).onSuccess(s -> {
            ready.set(true);
            log.atInfo().addKeyValue("host", config.host()).addKeyValue("port", s.port)
                    .addKeyValue("instances", instances).addKeyValue("test_mode", config.testMode())
                    .addKeyValue("model", pipeline.model()).addKeyValue("retriever", pipeline.retrieverName())
                    .log("ragd listening");
        });
    }

    /** The bound port (the chosen one when the configured port was 0). */
    public int actualPort() {
        return port;
    }

    /**
     * Stops accepting connections and closes open ones; in-flight requests are cancelled (their
     * chat-log records say {@code cancelled}) and the returned future completes once those records
     * are written (waiting at most {@value #CLOSE_WAIT_SECONDS} s). Does not close the Vertx instance
     * or the pipeline's parts; close the chat log after.
     */
    public synchronized Future<Void> close() {
        if (closing != null) {
            return closing;
        }
        ready.set(false);
        List<Future<Void>> undeploys = new ArrayList<>();
        for (String id : deployments) {
            undeploys.add(vertx.undeploy(id));
        }
        closing = Future.join(undeploys).<Void>mapEmpty()
                .eventually(() -> pipeline.awaitIdle().timeout(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS).otherwiseEmpty())
                .onComplete(ar -> log.atInfo().addKeyValue("port", port).log("ragd stopped"));
        return closing;
    }
}
