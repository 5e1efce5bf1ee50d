package dev.ragd.chat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ragd.auth.Identity;
import dev.ragd.config.Env;
import dev.ragd.config.RagdConfig;
import dev.ragd.llm.Message;
import dev.ragd.observe.ChatObserver;
import dev.ragd.quota.MemoryQuotaStore;
import dev.ragd.rewrite.NoRewrite;
import dev.ragd.testsupport.FakeGenerator;
import dev.ragd.testsupport.FakeRetriever;
import dev.ragd.testsupport.InMemoryChatLog;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What a client controls is bounded per identity: answers at once (over all its connections),
 * and the size of the conversation it sends. Over a bound: a clear error for that client only.
 */
class ClientLimitsTest {

    private final Vertx vertx = Vertx.vertx();
    private final Identity alice = new Identity("alice", List.of(), Identity.API_KEY);
    private final Identity bob = new Identity("bob", List.of(), Identity.API_KEY);

    @AfterEach
    void close() {
        vertx.close().await();
    }

    private ChatPipeline pipeline(Map<String, String> env, long tokenDelayMs) {
        RagdConfig config = RagdConfig.from(new Env(env));
        return new ChatPipeline(vertx, PipelineSettings.from(config), new PipelineParts(new FakeRetriever(),
                FakeGenerator.words(20, tokenDelayMs), new InMemoryChatLog(Collections.synchronizedList(new ArrayList<>())),
                new NoRewrite(), ChatObserver.NONE, new MemoryQuotaStore()));
    }

    private RecordingEvents run(ChatPipeline pipeline, Identity who, List<Message> messages) throws Exception {
        RecordingEvents events = new RecordingEvents();
        Context ctx = vertx.getOrCreateContext();
        CompletableFuture<ChatHandle> started = new CompletableFuture<>();
        ctx.runOnContext(v -> started.complete(pipeline.run(new ChatRequest("r", null, messages, true),
                new RequestOrigin(RequestOrigin.HTTP, null, who), events)));
        started.get(10, TimeUnit.SECONDS);
        return events;
    }

    private static List<Message> question() {
        return List.of(Message.user("When does the library open?"));
    }

    @Test
    void aSecondAnswerAtOnceForOneUserIsRefusedWhileAnotherUserIsAnswered() throws Exception {
        ChatPipeline p = pipeline(Map.of("RAGD_MAX_CONCURRENT_PER_USER", "1"), 50);
        RecordingEvents first = run(p, alice, question());
        RecordingEvents second = run(p, alice, question());
        ChatError refused = second.failed.get(10, TimeUnit.SECONDS);
        assertThat(refused.code()).isEqualTo(ErrorCodes.QUOTA_EXCEEDED);
        assertThat(refused.message()).contains("the limit of 1 answer at once").doesNotContain("alice");
        assertThat(refused.retryable()).isTrue();
        assertThat(refused.retryAfterMs()).isPositive();

        RecordingEvents other = run(p, bob, question());
        assertThat(other.ended.get(10, TimeUnit.SECONDS)).isNotNull();
        assertThat(first.ended.get(10, TimeUnit.SECONDS)).isNotNull();
        RecordingEvents after = run(p, alice, question());
        assertThat(after.ended.get(10, TimeUnit.SECONDS)).as("the permit came back with the record").isNotNull();
    }

    @Test
    void aConversationWithTooManyMessagesIsRefusedNamingTheLimit() throws Exception {
        ChatPipeline p = pipeline(Map.of("RAGD_MAX_HISTORY_ENTRIES", "3"), 0);
        List<Message> long4 = List.of(Message.user("a"), Message.assistant("b"), Message.user("c"),
                Message.user("When does the library open?"));
        ChatError e = run(p, alice, long4).failed.get(10, TimeUnit.SECONDS);
        assertThat(e.code()).isEqualTo(ErrorCodes.HISTORY_TOO_LONG);
        assertThat(e.message()).contains("4 messages").contains("RAGD_MAX_HISTORY_ENTRIES");
    }

    @Test
    void aKeptHistoryOverTheCharacterLimitIsRefusedAndAnOlderLongOneIsNot() throws Exception {
        ChatPipeline p = pipeline(Map.of("RAGD_MAX_HISTORY_CHARS", "100", "RAGD_HISTORY_MESSAGES", "2"), 0);
        ChatError e = run(p, alice, List.of(Message.assistant("x".repeat(101)), Message.user("When does it open?")))
                .failed.get(10, TimeUnit.SECONDS);
        assertThat(e.code()).isEqualTo(ErrorCodes.HISTORY_TOO_LONG);
        assertThat(e.message()).contains("101 characters").contains("RAGD_MAX_HISTORY_CHARS");
        RecordingEvents ok = run(p, alice, List.of(Message.assistant("x".repeat(5000)), Message.user("and?"),
                Message.assistant("short"), Message.user("When does the library open?")));
        assertThat(ok.ended.get(10, TimeUnit.SECONDS)).as("only the kept messages count").isNotNull();
    }
}
