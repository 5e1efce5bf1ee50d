package dev.ragd.ops.warmup;

import dev.ragd.chat.ChatPipeline;
import dev.ragd.chat.PipelineParts;
import dev.ragd.chat.PipelineSettings;
import dev.ragd.chatlog.ChatRecordJson;
import dev.ragd.chatlog.NoChatLog;
import dev.ragd.chatlog.ChatRecord;
import dev.ragd.llm.Generator;
import dev.ragd.observe.ChatObserver;
import dev.ragd.retrieval.Retriever;
import dev.ragd.rewrite.NoRewrite;
import dev.ragd.server.RagdServer;
import dev.ragd.server.ServerSettings;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Warms a fresh replica before it turns ready ({@code RAGD_WARMUP_MS}): a cold JVM answers its
 * first minute of real load several times slower than a warm one (the JIT compiles on the cores
 * that carry the load). For the given time this drives ragd's own request path with synthetic
 * chats that cost nothing upstream: a second server instance on an ephemeral loopback port (the
 * same server, WebSocket and SSE code on the same event loops), the real retriever and index,
 * the model client's prompt building and stream parsing on a canned answer (no model call), and
 * records encoded as for the chat log but not stored. Nothing it does is observed: no step lines,
 * no metrics, no chat-log records. The replica's {@code /readyz} stays red until it is done.
 */
public final class WarmUp {

    private static final Logger log = LoggerFactory.getLogger(WarmUp.class);

    /** Concurrent synthetic clients: enough to fill the event loops, small next to real load. */
    static final int CLIENTS = 32;

    static final List<String> QUESTIONS = List.of("What is the warranty of the kettle?",
            "How do I return an item?", "Which products are available in blue?", "How long does shipping take?",
            "What does the manual say about cleaning?", "Is there a discount for students?",
            "How can I contact support?", "What is the difference between the two models?");

    private final long durationMs;
    private final AtomicBoolean done = new AtomicBoolean();
    private final AtomicLong chats = new AtomicLong();
    private volatile long deadlineNanos;

    public WarmUp(Duration duration) {
        this.durationMs = Math.max(0, duration.toMillis());
        this.done.set(durationMs == 0);
    }

    /** {@code null} once warm; before, the reason {@code /readyz} gives. */
    public String notReadyReason() {
        if (done.get()) {
            return null;
        }
        long leftMs = deadlineNanos == 0 ? durationMs
                : Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime()));
        return "warming up: " + leftMs + " ms left of RAGD_WARMUP_MS=" + durationMs + " (" + chats.get()
                + " synthetic chats so far)";
    }

    /**
     * Runs the warm-up; the future completes (never fails) when it is over, after the warm-up
     * server has been closed. With a duration of 0 it completes at once.
     *
     * @param generator answers without a paid model call (the extractive answerer, or the model
     *                  client's {@code warmUpGenerator()})
     */
    public Future<Void> run(Vertx vertx, PipelineSettings settings, ServerSettings server, Retriever retriever,
            Generator generator) {
        if (done.get()) {
            return Future.succeededFuture();
        }
        long start = System.nanoTime();
        deadlineNanos = start + TimeUnit.MILLISECONDS.toNanos(durationMs);
        ChatPipeline pipeline = new ChatPipeline(vertx, new PipelineSettings(settings.topK(), settings.historyMessages(),
                settings.maxQuestionChars(), settings.streamCoalesceMs(), settings.minRelevance(), 100_000),
                new PipelineParts(retriever, generator, new EncodingOnlyLog(), new NoRewrite(), ChatObserver.NONE));
        // Port -2: a random port of its own. Port 0 becomes Vert.x's shared random port -1, which the
        // replica's own server already holds: the warm-up's instances would join its listener.
        ServerSettings loopback = new ServerSettings("127.0.0.1", RagdServer.PRIVATE_RANDOM_PORT, false, 1_000,
                server.edge());
        Promise<Void> over = Promise.promise();
        RagdServer.start(vertx, loopback, pipeline, Map.of(), List.of(), Runtime.getRuntime().availableProcessors())
                .compose(s -> {
                    log.atInfo().addKeyValue("port", s.actualPort()).addKeyValue("duration_ms", durationMs)
                            .addKeyValue("clients", CLIENTS)
                            .log("warm-up: synthetic chats on a loopback-only second server, no model calls; not ready until done");
                    return Future.succeededFuture(s);
                })
                .compose(s -> new SyntheticClients(vertx, s.actualPort(), QUESTIONS, deadlineNanos, chats).run(CLIENTS)
                        .eventually(() -> s.close()))
                .onComplete(ar -> {
                    done.set(true);
                    var line = ar.succeeded() ? log.atInfo() : log.atWarn().addKeyValue("error", String.valueOf(ar.cause()));
                    line.addKeyValue("duration_ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start))
                            .addKeyValue("chats", chats.get()).log("warm-up done: ready for traffic");
                    over.complete();
                });
        return over.future();
    }

    /** Encodes each record as the chat log would, keeps none. */
    private static final class EncodingOnlyLog implements dev.ragd.chatlog.ChatLog {
        private final NoChatLog none = new NoChatLog();

        @Override
        public void upsert(ChatRecord record) {
            if (ChatRecordJson.toJson(record).isEmpty()) {
                throw new IllegalStateException("empty record JSON");
            }
        }

        @Override public List<ChatRecord> recent(int limit) { return none.recent(limit); }

        @Override public List<ChatRecord> find(dev.ragd.chatlog.ChatLogQuery q) { return none.find(q); }

        @Override public long delete(java.time.Instant olderThan) { return 0; }

        @Override public String describe() { return "warm-up (encodes, keeps nothing)"; }
    }
}
