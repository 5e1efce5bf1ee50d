package dev.ragd.server;

import static dev.ragd.server.NativeSocketTest.framesOf;
import static dev.ragd.server.NativeSocketTest.request;
import static dev.ragd.server.ServerFixture.DEFAULT_ANSWER;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import dev.ragd.chatlog.ChatRecord;
import dev.ragd.llm.GenerationRequest;
import dev.ragd.llm.Generator;
import dev.ragd.llm.TokenStream;
import dev.ragd.testsupport.Await;
import dev.ragd.testsupport.FakeGenerator;
import dev.ragd.testsupport.InMemoryChatLog;
import dev.ragd.testsupport.RecordedLog;
import dev.ragd.testsupport.WsSession;
import io.vertx.core.Context;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A request that fails with an unexpected exception (a bug, a store or generator that breaks its
 * contract) gets an {@code internal_error} and gives back its in-flight slot: the connection and
 * the replica keep answering everyone else.
 */
class SlotLeakTest {

    /** A generator whose first stream emits a null token after one word (a broken upstream); later ones are fine. */
    static Generator nullTokenOnFirstStream() {
        FakeGenerator broken = FakeGenerator.of(3, i -> i == 1 ? null : "w" + i, 0);
        FakeGenerator fine = FakeGenerator.text(DEFAULT_ANSWER, 0);
        AtomicInteger streams = new AtomicInteger();
        return new Generator() {
            @Override public String model() { return "fake-words"; }

            @Override public boolean isLanguageModel() { return false; }

            @Override
            public TokenStream stream(GenerationRequest request, Context context) {
                return (streams.getAndIncrement() == 0 ? broken : fine).stream(request, context);
            }
        };
    }

    /** Sends four requests at once on {@code s} and expects four answers: no slot was lost. */
    static void fourConcurrentRequestsAllEnd(WsSession s) throws Exception {
        Map<String, String> last = new HashMap<>();
        for (int i = 0; i < 4; i++) {
            s.send(request("after-" + i, "When?"));
            last.put("after-" + i, null);
        }
        int open = 4;
        while (open > 0) {
            JsonObject f = s.nextJson();
            String type = f.getString("type");
            if (last.containsKey(f.getString("id")) && List.of("end", "error", "answer").contains(type)) {
                last.put(f.getString("id"), type + " " + f.getString("code", ""));
                open--;
            }
        }
        assertThat(last).allSatisfy((id, type) -> assertThat(type).as(id).isEqualTo("end "));
    }

    static void isInternalError(JsonObject e, String id) {
        assertThat(e.getString("type")).isEqualTo("error");
        assertThat(e.getString("id")).isEqualTo(id);
        assertThat(e.getString("code")).isEqualTo("internal_error");
        assertThat(e.getBoolean("retryable")).isFalse();
    }

    @Test
    void anExceptionWhileARequestStartsAnswersInternalErrorLogsOnceAndFreesTheSlot() throws Exception {
        InMemoryChatLog chatLog = new InMemoryChatLog().throwingOnNextAdmission(new IllegalStateException("store bug"));
        try (ServerFixture f = ServerFixture.builder().env("RAGD_WS_MAX_INFLIGHT", "4").chatLog(chatLog).start();
                WsSession s = WsSession.connect(f.vertx, f.port(), "/v1/chat");
                RecordedLog log = RecordedLog.start()) {
            s.send(request("boom", "When?"));

            isInternalError(framesOf(s, "boom").getLast(), "boom");
            fourConcurrentRequestsAllEnd(s);
            assertThat(log.atLeast(Level.ERROR)).singleElement()
                    .satisfies(e -> assertThat(e.getThrowableProxy().getMessage()).isEqualTo("store bug"));
        }
    }

    @Test
    void anExceptionMidAnswerEndsThatAnswerWithInternalErrorAndAFailedRecordAndFreesTheSlot() throws Exception {
        try (ServerFixture f = ServerFixture.builder().env("RAGD_WS_MAX_INFLIGHT", "4")
                .generator(nullTokenOnFirstStream()).start();
                WsSession s = WsSession.connect(f.vertx, f.port(), "/v1/chat");
                RecordedLog log = RecordedLog.start()) {
            s.send(request("broken", "When?"));

            List<JsonObject> frames = framesOf(s, "broken");
            assertThat(frames).extracting(o -> o.getString("type")).startsWith("start", "sources", "token");
            isInternalError(frames.getLast(), "broken");
            ChatRecord r = f.memoryLog().await("broken", x -> true, Duration.ofSeconds(10));
            assertThat(r.status()).isEqualTo(ChatRecord.Status.failed);
            assertThat(r.finalAnswer()).startsWith("w0");
            fourConcurrentRequestsAllEnd(s);
            Await.until(() -> f.pipeline.activeGenerations() == 0);
            assertThat(log.atLeast(Level.ERROR)).hasSize(1);
        }
    }

    @Test
    void anExceptionMidAnswerOverServerSentEventsEndsTheStreamWithAnErrorEvent() throws Exception {
        try (ServerFixture f = ServerFixture.builder().generator(nullTokenOnFirstStream()).start()) {
            HttpChatTest.Reply r = HttpChatTest.post(f, request("sse-broken", "When?"));

            assertThat(r.status()).isEqualTo(200);
            List<HttpChatTest.Event> events = HttpChatTest.events(r.body());
            assertThat(events.getLast().type()).isEqualTo("error");
            isInternalError(events.getLast().data(), "sse-broken");
            Await.until(() -> f.pipeline.activeGenerations() == 0);
            assertThat(HttpChatTest.post(f, request("sse-fine", "When?")).status()).isEqualTo(200);
        }
    }

    @Test
    void anExceptionWhileAnHttpRequestStartsIsA500InternalErrorInJson() throws Exception {
        InMemoryChatLog chatLog = new InMemoryChatLog().throwingOnNextAdmission(new IllegalStateException("store bug"));
        try (ServerFixture f = ServerFixture.builder().chatLog(chatLog).start()) {
            HttpChatTest.Reply r = HttpChatTest.post(f, request("h-boom", "When?"));

            assertThat(r.status()).isEqualTo(500);
            assertThat(r.headers().get("content-type")).startsWith("application/json");
            assertThat(r.json().getJsonObject("error").getString("code")).isEqualTo("internal_error");
            assertThat(HttpChatTest.post(f, request("h-fine", "When?")).status()).isEqualTo(200);
        }
    }

    @Test
    void anExceptionWhileABookRequestStartsClosesWith1011AfterAMessage() throws Exception {
        InMemoryChatLog chatLog = new InMemoryChatLog().throwingOnNextAdmission(new IllegalStateException("store bug"));
        try (ServerFixture f = ServerFixture.builder().chatLog(chatLog).start();
                WsSession s = WsSession.connect(f.vertx, f.port(), "/")) {
            s.send(new JsonObject().put("chat_history", new io.vertx.core.json.JsonArray().add("user_question: When?")));

            List<String> frames = s.readUntilClosed();
            assertThat(s.closeCode).isEqualTo((short) 1011);
            assertThat(s.closeReason()).isEqualTo("internal_error");
            assertThat(frames).singleElement().satisfies(p -> assertThat(new JsonObject(p).getString("type")).isEqualTo("print"));
        }
    }
}
