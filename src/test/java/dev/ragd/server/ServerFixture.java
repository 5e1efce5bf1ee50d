package dev.ragd.server;

import dev.ragd.testsupport.Pipelines;
import dev.ragd.chat.ChatPipeline;
import dev.ragd.chatlog.ChatLog;
import dev.ragd.config.Env;
import dev.ragd.config.RagdConfig;
import dev.ragd.llm.Generator;
import dev.ragd.retrieval.Retriever;
import dev.ragd.testsupport.FakeGenerator;
import dev.ragd.testsupport.FakeRetriever;
import dev.ragd.testsupport.InMemoryChatLog;
import io.vertx.core.Vertx;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The one place tests wire a real server from parts: a Vertx, a config from environment
 * variables (ephemeral port on 127.0.0.1), a retriever, a generator and a chat log. Tests use the
 * fakes by default; at integration the real Lucene retriever, extractive generator and file chat
 * log can be passed to the builder instead.
 */
public final class ServerFixture implements AutoCloseable {

    public final Vertx vertx;
    public final RagdConfig config;
    public final Retriever retriever;
    public final Generator generator;
    public final ChatLog chatLog;
    public final ChatPipeline pipeline;
    public final RagdServer server;

    private ServerFixture(Vertx vertx, RagdConfig config, Retriever retriever, Generator generator, ChatLog chatLog,
            int instances) throws Exception {
        this.vertx = vertx;
        this.config = config;
        this.retriever = retriever;
        this.generator = generator;
        this.chatLog = chatLog;
        this.pipeline = Pipelines.create(vertx, config, retriever, generator, chatLog);
        this.server = RagdServer.start(vertx, ServerSettings.from(config), pipeline, java.util.Map.of(), java.util.List.of(), instances).await(20, TimeUnit.SECONDS);
    }

    public static Builder builder() {
        return new Builder();
    }

    public int port() {
        return server.actualPort();
    }

    /** The fake generator, when the fixture uses one. */
    public FakeGenerator fakeGenerator() {
        return (FakeGenerator) generator;
    }

    public InMemoryChatLog memoryLog() {
        return (InMemoryChatLog) chatLog;
    }

    @Override
    public void close() throws TimeoutException {
        try {
            server.close().await(20, TimeUnit.SECONDS);
        } finally {
            vertx.close().await(20, TimeUnit.SECONDS);
        }
    }

    public static final class Builder {
        /** One token frame per token unless a test sets {@code RAGD_STREAM_COALESCE_MS}: tests check frame by frame. */
        private final Map<String, String> env = new HashMap<>(Map.of("RAGD_HOST", "127.0.0.1", "PORT", "0",
                "RAGD_STREAM_COALESCE_MS", "0"));
        private Retriever retriever;
        private Generator generator;
        private ChatLog chatLog;
        private int instances = 2;

        public Builder env(String name, String value) {
            env.put(name, value);
            return this;
        }

        public Builder testMode() {
            return env("RAGD_TEST_MODE", "true");
        }

        public Builder retriever(Retriever r) {
            retriever = r;
            return this;
        }

        public Builder generator(Generator g) {
            generator = g;
            return this;
        }

        public Builder chatLog(ChatLog c) {
            chatLog = c;
            return this;
        }

        public Builder instances(int n) {
            instances = n;
            return this;
        }

        public ServerFixture start() throws Exception {
            Vertx vertx = Vertx.vertx();
            try {
                return new ServerFixture(vertx, RagdConfig.from(new Env(env)),
                        retriever != null ? retriever : new FakeRetriever(),
                        generator != null ? generator : FakeGenerator.text(DEFAULT_ANSWER, 0),
                        chatLog != null ? chatLog : new InMemoryChatLog(), instances);
            } catch (Exception | Error e) {
                vertx.close();
                throw e;
            }
        }
    }

    public static final String DEFAULT_ANSWER = "The library opens at 9 am on weekdays [1]. \"Quotes\" stay intact.";
}
