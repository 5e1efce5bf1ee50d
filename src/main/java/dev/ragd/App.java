package dev.ragd;

import dev.ragd.chat.ChatPipeline;
import dev.ragd.chatlog.ChatLog;
import dev.ragd.chatlog.ChatLogs;
import dev.ragd.config.RagdConfig;
import dev.ragd.llm.ExtractiveAnswerer;
import dev.ragd.llm.Generator;
import dev.ragd.llm.openai.OpenAiStreamingGenerator;
import dev.ragd.ops.StartupLog;
import dev.ragd.retrieval.Retrieval;
import dev.ragd.retrieval.RetrievalStack;
import dev.ragd.rewrite.QueryRewriters;
import dev.ragd.server.RagdServer;
import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running service: the whole object graph, wired by constructors in this one place. The
 * {@code serve} command and the end-to-end tests both start ragd through {@link #start}.
 */
public final class App implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(App.class);

    private final Vertx vertx;
    private final RetrievalStack retrieval;
    private final ChatLog chatLog;
    private final RagdServer server;

    private App(Vertx vertx, RetrievalStack retrieval, ChatLog chatLog, RagdServer server) {
        this.vertx = vertx;
        this.retrieval = retrieval;
        this.chatLog = chatLog;
        this.server = server;
    }

    /**
     * Opens the index (indexing the sample corpus into an empty data directory), the chat log and
     * the answerer, then binds the server. Blocking; fails fast, releasing what it opened, when any
     * part cannot start.
     */
    public static App start(RagdConfig config) {
        new StartupLog().logConfig(config);
        Vertx vertx = Vertx.vertx();
        RetrievalStack retrieval = null;
        ChatLog chatLog = null;
        try {
            retrieval = Retrieval.open(config);
            chatLog = ChatLogs.open(config);
            Generator generator = generator(vertx, config);
            ChatPipeline pipeline = new ChatPipeline(vertx, config, retrieval.retriever(), generator, chatLog,
                    QueryRewriters.create(config.llm()));
            RagdServer server = RagdServer.start(vertx, config, pipeline)
                    .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            return new App(vertx, retrieval, chatLog, server);
        } catch (Exception e) {
            closeQuietly(chatLog);
            closeQuietly(retrieval);
            vertx.close();
            if (e instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException("ragd could not start: " + e.getMessage(), e);
        }
    }

    static Generator generator(Vertx vertx, RagdConfig config) {
        return switch (config.llm().provider()) {
            case "extractive" -> {
                log.atInfo().addKeyValue("model", "extractive")
                        .log("answerer: offline extractive answerer (quotes the retrieved passages; not a language model)");
                yield new ExtractiveAnswerer(vertx, config.extractiveTokenMs());
            }
            case "openai", "azure-openai" -> {
                OpenAiStreamingGenerator g = new OpenAiStreamingGenerator(vertx, config.llm());
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

    public ChatLog chatLog() {
        return chatLog;
    }

    /** Stops the server (in-flight answers are cancelled and logged), then closes every part. */
    @Override
    public void close() {
        try {
            server.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            log.atWarn().addKeyValue("error", e.toString()).log("server did not stop cleanly");
        } finally {
            try {
                vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                log.atWarn().addKeyValue("error", e.toString()).log("vert.x did not stop cleanly");
            }
            closeQuietly(chatLog);
            closeQuietly(retrieval);
        }
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
