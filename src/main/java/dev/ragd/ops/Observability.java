package dev.ragd.ops;

import dev.ragd.chat.ChatPipeline;
import dev.ragd.chat.RequestOrigin;
import dev.ragd.chatlog.QueuedChatLog;
import dev.ragd.config.ObservabilityConfig;
import dev.ragd.observe.ChatObserver;
import dev.ragd.ops.metrics.Metrics;
import dev.ragd.ops.metrics.MetricsObserver;
import dev.ragd.ops.status.StatusGauges;
import dev.ragd.ops.status.StatusPage;
import dev.ragd.ops.status.StatusWindow;
import dev.ragd.ops.tracing.Tracing;
import dev.ragd.ops.tracing.TracingObserver;
import dev.ragd.server.Endpoint;
import dev.ragd.server.RagdServer;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything that watches the replica, as {@code App} composes it: the tracer (when
 * {@code OTEL_*} turns it on), the step log, the metrics (unless {@code RAGD_METRICS=false}) and the
 * status page's window (always: it is the no-Grafana view of one replica), with their endpoints
 * ({@code /metrics}, {@code /status}, {@code /status/data}) and the gauges they read from the parts.
 * Close it after the server: it flushes the last spans and the last metrics push.
 */
public final class Observability implements AutoCloseable {

    private final Metrics metrics;
    private final MetricsObserver metered;
    private final Tracing tracing;
    private final TracingObserver tracer;
    private final StatusWindow status = new StatusWindow();
    private final ChatObserver observer;

    private Observability(Metrics metrics, Tracing tracing, boolean logContent) {
        this.metrics = metrics;
        this.metered = metrics == null ? null : new MetricsObserver(metrics.registry());
        this.tracing = tracing;
        this.tracer = tracing == null ? null : new TracingObserver(tracing.tracer(), logContent);
        List<ChatObserver> all = new ArrayList<>();
        if (tracer != null) {
            all.add(tracer); // first: its trace id reaches the others (the step log writes it on every line)
        }
        all.add(new StepLogObserver(logContent));
        if (metered != null) {
            all.add(metered);
        }
        all.add(status);
        this.observer = ChatObserver.compose(all);
    }

    /** Starts the meters and the tracer the configuration asks for; fails naming what could not start. */
    public static Observability start(ObservabilityConfig config, boolean logContent) {
        Metrics metrics = config.metrics() ? new Metrics(config) : null;
        try {
            return new Observability(metrics, config.tracing() ? Tracing.start(config) : null, logContent);
        } catch (RuntimeException e) {
            if (metrics != null) {
                metrics.close();
            }
            throw e;
        }
    }

    /** The step log alone: what tests that build a pipeline by hand observe it with. */
    public static ChatObserver stepLog(boolean logContent) {
        return new StepLogObserver(logContent);
    }

    /** All the observers, composed. */
    public ChatObserver observer() {
        return observer;
    }

    /** Shows an upstream (its breaker closed) before anything happens to it. */
    public void knownUpstream(String name) {
        if (metered != null) {
            metered.knownUpstream(name);
        }
        status.knownUpstream(name);
    }

    /** {@code /metrics} when metrics are on; {@code /status} and {@code /status/data} always. */
    public List<Endpoint> endpoints() {
        List<Endpoint> endpoints = new ArrayList<>();
        if (metrics != null) {
            endpoints.add(new Endpoint("/metrics", Metrics.CONTENT_TYPE, metrics.scraper()));
        }
        StatusPage page = StatusPage.load();
        endpoints.add(new Endpoint("/status", StatusPage.CONTENT_TYPE, page::html, page.headers()));
        endpoints.add(new Endpoint("/status/data", StatusWindow.CONTENT_TYPE, status::json, StatusPage.DATA_HEADERS));
        return endpoints;
    }

    /** The gauges read from the running parts on each scrape or poll (the rest the observers hear). */
    public void watch(ChatPipeline pipeline, QueuedChatLog chatLog, RagdServer server) {
        status.gauges(new StatusGauges(pipeline::activeGenerations, pipeline::maxConcurrentGenerations, chatLog::queued,
                chatLog::capacity, server::openConnections,
                () -> server.openWebSockets(RequestOrigin.WS_BOOK) + server.openWebSockets(RequestOrigin.WS_NATIVE),
                server::refusedConnections));
        if (metrics == null) {
            return;
        }
        Metrics m = metrics;
        m.gauge("ragd.chat.active.generations", "Requests admitted and not finished", pipeline::activeGenerations);
        m.gauge("ragd.chat.max.concurrent.generations", "RAGD_MAX_CONCURRENT_GENERATIONS",
                pipeline::maxConcurrentGenerations);
        m.gauge("ragd.chatlog.queue.depth", "Chat-log records waiting for the store", chatLog::queued);
        m.gauge("ragd.chatlog.queue.capacity", "RAGD_CHATLOG_QUEUE_CAPACITY", chatLog::capacity);
        m.gauge("ragd.connections.open", "Open TCP connections", server::openConnections);
        m.counter("ragd.connections.refused", "Connections refused over RAGD_MAX_CONNECTIONS_PER_IP since start",
                server::refusedConnections);
        for (String code : RagdServer.refusalCodes()) {
            m.counter("ragd.requests.refused", "Requests and WebSocket handshakes refused before any route, by error code",
                    () -> server.refusedRequests(code), "code", code);
        }
        for (String protocol : List.of(RequestOrigin.WS_BOOK, RequestOrigin.WS_NATIVE)) {
            m.gauge("ragd.websockets.open", "Open WebSockets", () -> server.openWebSockets(protocol), "protocol", protocol);
        }
    }

    /**
     * The shared fair-use store's state: {@code ragd_quota_shared} is 1 while Redis answers the limit
     * checks and 0 while this replica counts alone; {@code ragd_quota_fallbacks_total} counts the
     * checks answered by this replica's own counts because Redis did not.
     */
    public void watchQuotas(java.util.function.BooleanSupplier shared, java.util.function.LongSupplier fallbacks) {
        if (metrics != null) {
            metrics.gauge("ragd.quota.shared", "1 while per-identity limits are shared through Redis, 0 while per replica",
                    () -> shared.getAsBoolean() ? 1 : 0);
            metrics.counter("ragd.quota.fallbacks", "Limit checks answered by this replica because Redis did not",
                    fallbacks::getAsLong);
        }
    }

    /** Flushes the last spans, pushes the metrics a last time, then stops both. */
    @Override
    public void close() {
        try {
            if (tracing != null) {
                tracing.close();
            }
        } finally {
            if (metrics != null) {
                metrics.close();
            }
        }
    }
}
