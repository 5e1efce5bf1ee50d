package dev.ragd;

import dev.ragd.chat.ChatPipeline;
import dev.ragd.chat.PipelineParts;
import dev.ragd.chat.PipelineSettings;
import dev.ragd.chatlog.ChatLog;
import dev.ragd.chatlog.ChatLogs;
import dev.ragd.chatlog.NoChatLog;
import dev.ragd.chatlog.QueuedChatLog;
import dev.ragd.config.DurabilityConfig;
import dev.ragd.config.RagdConfig;
import dev.ragd.eval.PipelineTarget;
import dev.ragd.ingest.SampleCorpusBootstrap;
import dev.ragd.llm.extractive.ExtractiveAnswerer;
import dev.ragd.llm.Generator;
import dev.ragd.llm.openai.OpenAiStreamingGenerator;
import dev.ragd.llm.openai.UpstreamHealth;
import dev.ragd.observe.ChatObserver;
import dev.ragd.ops.StartupLog;
import dev.ragd.ops.Observability;
import dev.ragd.ops.warmup.WarmUp;
import dev.ragd.retrieval.Embedder;
import dev.ragd.retrieval.CannedRetriever;
import dev.ragd.retrieval.LuceneStack;
import dev.ragd.retrieval.Retrieval;
import dev.ragd.retrieval.Retriever;
import dev.ragd.retrieval.azure.AzureSearch;
import dev.ragd.rewrite.QueryRewriter;
import dev.ragd.rewrite.QueryRewriters;
import dev.ragd.server.RagdServer;
import dev.ragd.server.ReadinessCheck;
import dev.ragd.server.ServerSettings;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.file.FileSystemOptions;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running service: the whole object graph, wired by constructors in this one place, the only
 * one that chooses implementations (one factory method per interface below, each given its own
 * part of the configuration). The {@code serve} command and the end-to-end tests both start ragd
 * through {@link #start}.
 */
public final class App implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(App.class);
    /** How long after the grace period the server may take to write the cancelled requests' records. */
    private static final long CLOSE_HEADROOM_SECONDS = 20;

    private final Vertx vertx;
    private final Retriever retrieval;
    private final QueuedChatLog chatLog;
    private final RagdServer server;
    private final DurabilityConfig durability;
    private final Observability observability;
    private final Callers callers;
    private final AtomicBoolean closed = new AtomicBoolean();

    private App(Vertx vertx, Retriever retrieval, QueuedChatLog chatLog, RagdServer server,
                DurabilityConfig durability, Observability observability, Callers callers) {
        this.callers = callers;
        this.observability = observability;
        this.vertx = vertx;
        this.retrieval = retrieval;
        this.chatLog = chatLog;
        this.server = server;
        this.durability = durability;
    }

    /** {@link #start(RagdConfig, DurabilityConfig)} with the configuration's queue and shutdown settings. */
    public static App start(RagdConfig config) {
        return start(config, config.durability());
    }

    public static App start(RagdConfig config, DurabilityConfig durability) {
        return start(config, durability, UnaryOperator.identity());
    }

    /**
     * Opens the index (indexing the sample corpus into an empty data directory), the chat log and
     * the answerer, then binds the server. Blocking; fails fast, releasing what it opened, when any
     * part cannot start. The opened chat-log store is passed through {@code storeWrapper} (tests use
     * it to simulate an outage) and then wrapped in a {@link QueuedChatLog}, which the pipeline gets.
     */
    public static App start(RagdConfig config, DurabilityConfig durability, UnaryOperator<ChatLog> storeWrapper) {
        new StartupLog().logConfig(config);
        CompletableFuture<Embedder> embedder = Retrieval.loadEmbedder(config); // meanwhile: Vert.x, metrics
        // No classpath-to-disk file cache: the page is served from memory (PageAssets), and a
        // stateless replica must not write to its filesystem.
        Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true).setFileSystemOptions(
                new FileSystemOptions().setClassPathResolvingEnabled(false).setFileCachingEnabled(false)));
        Retriever retrieval = null;
        ChatLog store = null;
        QueuedChatLog chatLog = null;
        Observability observability = null;
        Callers callers = null;
        try {
            callers = Callers.open(vertx, config);
            observability = observability(config);
            ChatObserver observer = observability.observer();
            retrieval = retriever(config, Retrieval.await(embedder), observer);
            store = storeWrapper.apply(ChatLogs.open(config));
            chatLog = new QueuedChatLog(store, durability.queueCapacity(), durability.queueReadyThreshold());
            Generator generator = generator(vertx, config, observer);
            if (generator instanceof UpstreamHealth upstream) {
                observability.knownUpstream(upstream.name());
            }
            PipelineParts parts = new PipelineParts(retrieval, generator, chatLog, rewriter(config),
                    observer, callers.quotas(), callers.answers());
            ChatPipeline pipeline = new ChatPipeline(vertx, PipelineSettings.from(config), parts);
            WarmUp warmUp = new WarmUp(Duration.ofMillis(config.warmupMs()));
            Map<String, ReadinessCheck> checks = readinessChecks(chatLog, generator, pipeline);
            checks.putAll(callers.readinessChecks());
            checks.put("warmup", warmUp::notReadyReason);
            RagdServer server = RagdServer.start(vertx, ServerSettings.from(config), pipeline,
                            checks, observability.endpoints(),
                            Runtime.getRuntime().availableProcessors(), callers.serverAuth())
                    .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            observability.watch(pipeline, chatLog, server);
            if (callers.sharedQuotas() != null) {
                observability.watchQuotas(callers.sharedQuotas()::shared, callers.sharedQuotas()::fallbacks);
            }
            warmUp.run(vertx, PipelineSettings.from(config), ServerSettings.from(config), warmUpRetriever(retrieval),
                    warmUpGenerator(vertx, generator));
            return new App(vertx, retrieval, chatLog, server, durability, observability, callers);
        } catch (Exception e) {
            closeQuietly(callers);
            closeQuietly(observability);
            closeQuietly(chatLog == null ? store : chatLog);
            closeQuietly(retrieval);
            vertx.close();
            if (e instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException("ragd could not start: " + e.getMessage(), e);
        }
    }

    /**
     * The answering pipeline alone, for {@code ragd eval}: the configured retriever (the embedded
     * index seeded with the sample corpus when new, or Azure AI Search), query rewriter and answerer,
     * exactly as {@link #start} wires them, but no listener, no warm-up, no shared limits and a chat
     * log that keeps nothing (an evaluation's questions are not users' conversations). Blocking;
     * closing the target closes what it opened.
     */
    public static PipelineTarget evalTarget(RagdConfig config) {
        Embedder embedder = Retrieval.await(Retrieval.loadEmbedder(config));
        Vertx vertx = Vertx.vertx(new VertxOptions().setFileSystemOptions(
                new FileSystemOptions().setClassPathResolvingEnabled(false).setFileCachingEnabled(false)));
        Retriever retrieval = null;
        try {
            retrieval = retriever(config, embedder, ChatObserver.NONE);
            Generator generator = generator(vertx, config, ChatObserver.NONE);
            PipelineParts parts = new PipelineParts(retrieval, generator, new NoChatLog(), rewriter(config),
                    ChatObserver.NONE);
            ChatPipeline pipeline = new ChatPipeline(vertx, PipelineSettings.from(config), parts);
            Retriever opened = retrieval;
            return new PipelineTarget(vertx, pipeline, () -> {
                try {
                    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
                } finally {
                    opened.close();
                }
            });
        } catch (RuntimeException e) {
            closeQuietly(retrieval);
            vertx.close();
            throw e;
        }
    }

    /** Who hears what happens to requests as tests build pipelines by hand: the step log. */
    public static ChatObserver observer(RagdConfig config) {
        return Observability.stepLog(config.logContent());
    }

    /** Who watches the replica: tracer, step log, metrics, status window ({@link Observability}). */
    static Observability observability(RagdConfig config) {
        return Observability.start(config.observability(), config.logContent());
    }

    /**
     * The retriever {@code RAGD_RETRIEVER} chooses: the embedded Lucene index (filled with the sample
     * corpus when it is new and writable) or Azure AI Search (its index checked now). Closing it
     * closes what it opened.
     */
    static Retriever retriever(RagdConfig config, Embedder embedder, ChatObserver observer) {
        if (config.search().azure()) {
            return AzureSearch.open(config.search(), config.auth().enforceAccess(), embedder, observer, null);
        }
        LuceneStack lucene = Retrieval.open(config, embedder);
        try {
            SampleCorpusBootstrap.seedIfNew(lucene, config);
        } catch (RuntimeException e) {
            lucene.close();
            throw e;
        }
        return lucene.owning();
    }

    /**
     * What the warm-up searches with: the embedded index itself; for a search service, canned
     * passages, so that starting replicas do not spend the service's capacity.
     */
    static Retriever warmUpRetriever(Retriever retriever) {
        return retriever.remote() ? new CannedRetriever(retriever.name()) : retriever;
    }

    static QueryRewriter rewriter(RagdConfig config) {
        return QueryRewriters.create(config.llm());
    }

    /**
     * What {@code /readyz} checks besides shutdown: the chat-log queue, the model's circuit breaker,
     * and whether this replica is saturated (at its cap of generations in flight, where new questions
     * get {@code busy}): a load balancer should then send new users elsewhere.
     */
    static Map<String, ReadinessCheck> readinessChecks(QueuedChatLog chatLog, Generator generator, ChatPipeline pipeline) {
        Map<String, ReadinessCheck> checks = new LinkedHashMap<>();
        checks.put("chat_log", chatLog::notReadyReason);
        checks.put("generations", () -> saturation(pipeline.activeGenerations(), pipeline.maxConcurrentGenerations()));
        if (generator instanceof UpstreamHealth upstream) {
            checks.put("model", () -> upstream.circuitOpen()
                    ? "circuit open for " + upstream.name() + "; retry in " + upstream.retryAfterMs() + " ms" : null);
        }
        return checks;
    }

    /** {@code null} below the cap; at it, the reason {@code /readyz} gives. */
    static String saturation(int active, int max) {
        return active < max ? null : "saturated: " + active + " of RAGD_MAX_CONCURRENT_GENERATIONS=" + max
                + " generations in flight; new questions get busy";
    }

    /** What the warm-up answers with: the model client's path on a canned answer, never a paid model call. */
    static Generator warmUpGenerator(Vertx vertx, Generator generator) {
        return generator instanceof OpenAiStreamingGenerator model ? model.warmUpGenerator()
                : new ExtractiveAnswerer(vertx, 0);
    }

    static Generator generator(Vertx vertx, RagdConfig config, ChatObserver observer) {
        return switch (config.llm().provider()) {
            case "extractive" -> {
                log.atInfo().addKeyValue("model", "extractive")
                        .log("answerer: offline extractive answerer (quotes the retrieved passages; not a language model)");
                yield new ExtractiveAnswerer(vertx, config.extractiveTokenMs());
            }
            case "openai", "azure-openai" -> {
                OpenAiStreamingGenerator g = new OpenAiStreamingGenerator(vertx, config.llm(), observer);
                log.atInfo().addKeyValue("provider", config.llm().provider()).addKeyValue("model", g.model())
                        .log("answerer: language model");
                yield g;
            }
            default -> throw new IllegalArgumentException("RAGD_LLM=" + config.llm().provider() + " is not supported");
        };
    }

    public int port() {
        return server.actualPort();
    }

    /** The chat log the pipeline writes to: the store wrapped in its retry queue. */
    public QueuedChatLog chatLog() {
        return chatLog;
    }

    /**
     * Drains and stops: readiness turns red and the listener stops taking connections; answers in
     * flight may finish within {@code RAGD_SHUTDOWN_GRACE_MS} (what is left is cancelled and logged
     * as such); queued chat-log records get up to {@code RAGD_SHUTDOWN_FLUSH_MS} to reach the store;
     * then every part is closed. Idempotent; blocks until done.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        long start = System.nanoTime();
        Duration grace = durability.shutdownGrace();
        log.atInfo().addKeyValue("grace_ms", grace.toMillis()).addKeyValue("chatlog_queued", chatLog.queued())
                .log("shutdown: draining");
        try {
            server.close(grace).toCompletionStage().toCompletableFuture()
                    .get(grace.toSeconds() + CLOSE_HEADROOM_SECONDS, TimeUnit.SECONDS);
            log.atInfo().addKeyValue("duration_ms", elapsedMs(start)).addKeyValue("chatlog_queued", chatLog.queued())
                    .log("shutdown: server stopped, every request finished or cancelled");
        } catch (Exception e) {
            log.atWarn().addKeyValue("error", e.toString()).log("server did not stop cleanly");
        } finally {
            long flushStart = System.nanoTime();
            int before = chatLog.queued();
            int left = chatLog.flush(durability.flushTimeout());
            log.atInfo().addKeyValue("queued", before).addKeyValue("left", left)
                    .addKeyValue("duration_ms", elapsedMs(flushStart)).addKeyValue("counters", chatLog.counters().toString())
                    .log("shutdown: chat-log queue flushed");
            try {
                vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                log.atWarn().addKeyValue("error", e.toString()).log("vert.x did not stop cleanly");
            }
            closeQuietly(chatLog);
            closeQuietly(retrieval);
            closeQuietly(observability);
            closeQuietly(callers);
            log.atInfo().addKeyValue("duration_ms", elapsedMs(start)).log("shutdown: done");
        }
    }

    private static long elapsedMs(long startNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception e) {
            log.atWarn().addKeyValue("error", e.toString()).log("close failed");
        }
    }
}
