package dev.ragd.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.ragd.chatlog.ChatRecord;
import dev.ragd.testsupport.Await;
import dev.ragd.testsupport.FakeGenerator;
import dev.ragd.testsupport.WsSession;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A client that asks and then never reads its replies must not hold a generation, an upstream
 * stream and a socket's worth of buffered frames for ever: after {@code RAGD_WRITE_STALL_TIMEOUT_MS}
 * with its write queue full the server cancels its requests (logged as {@code cancelled}, nothing
 * lost) and closes the connection, on every protocol.
 */
class WriteStallTest {

    private static final String STALL_MS = "400";
    private static final int TOKENS = 200_000;

    private static ServerFixture server(FakeGenerator generator) throws Exception {
        return ServerFixture.builder().generator(generator).env("RAGD_WRITE_STALL_TIMEOUT_MS", STALL_MS).start();
    }

    /** The single record the test's one question produced, once written. */
    private static ChatRecord onlyRecord(ServerFixture f) throws InterruptedException {
        Await.until(() -> f.memoryLog().size() == 1);
        return f.memoryLog().recent(1).getFirst();
    }

    private static void assertCancelledWithPartialAnswer(ChatRecord r, FakeGenerator g) {
        assertThat(r.status()).isEqualTo(ChatRecord.Status.cancelled);
        assertThat(r.finalAnswer()).isNotEmpty();
        assertThat(g.fullText()).startsWith(r.finalAnswer());
        assertThat(r.finalAnswer().length()).isLessThan(g.fullText().length());
        assertThat(g.cancels).hasValue(1);
    }

    @Test
    void aNativeSocketThatNeverReadsIsCancelledAndClosedWithAReason() throws Exception {
        FakeGenerator fast = FakeGenerator.words(TOKENS, 0);
        try (ServerFixture f = server(fast); WsSession s = WsSession.connect(f.vertx, f.port(), "/v1/chat")) {
            s.ws.pause();
            s.send(NativeSocketTest.request("never-read", "When?"));

            assertCancelledWithPartialAnswer(onlyRecord(f), fast);

            s.ws.resume();
            s.readUntilClosed();
            assertThat(s.closeCode).isEqualTo((short) 1008);
            assertThat(s.closeReason()).contains("unread").contains("RAGD_WRITE_STALL_TIMEOUT_MS");
        }
    }

    @Test
    void aBookSocketThatNeverReadsIsCancelledAndClosedWithAReason() throws Exception {
        FakeGenerator fast = FakeGenerator.words(TOKENS, 0);
        try (ServerFixture f = server(fast); WsSession s = WsSession.connect(f.vertx, f.port(), "/")) {
            s.ws.pause();
            s.send(new JsonObject().put("chat_history", new JsonArray().add("user_question: When?")));

            assertCancelledWithPartialAnswer(onlyRecord(f), fast);

            s.ws.resume();
            s.readUntilClosed();
            assertThat(s.closeCode).isEqualTo((short) 1008);
            assertThat(s.closeReason()).contains("unread");
        }
    }

    @Test
    void anEventStreamThatIsNeverReadIsCancelledAndItsConnectionClosed() throws Exception {
        FakeGenerator fast = FakeGenerator.words(TOKENS, 0);
        try (ServerFixture f = server(fast)) {
            HttpClient client = f.vertx.createHttpClient();
            try {
                HttpClientResponse resp = client.request(HttpMethod.POST, f.port(), "127.0.0.1", "/v1/chat")
                        .compose(req -> req.putHeader("content-type", "application/json")
                                .send(NativeSocketTest.request("never-read", "When?").encode()))
                        .map(HttpClientResponse::pause)
                        .await(10, TimeUnit.SECONDS);
                CompletableFuture<Void> closed = new CompletableFuture<>();
                resp.request().connection().closeHandler(v -> closed.complete(null));

                assertCancelledWithPartialAnswer(onlyRecord(f), fast);
                resp.handler(buf -> {}).exceptionHandler(e -> {}).resume();
                closed.get(10, TimeUnit.SECONDS); // dropped by the server, not ended: the answer was not finished
            } finally {
                client.close().await(10, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void aClientFloodingFramesWithoutReadingIsNotReadOnThenDroppedWhileOthersAreServed() throws Exception {
        // Each 100-byte invalid frame earns a longer error frame: were the server to read the whole
        // flood, it would have to hold tens of megabytes of unread replies.
        FakeGenerator answers = FakeGenerator.text(ServerFixture.DEFAULT_ANSWER, 0);
        try (ServerFixture f = server(answers); RawWebSocket flooder = RawWebSocket.connect(f.port(), "/v1/chat")) {
            CompletableFuture<Void> flood = flooder.sendInBackground(
                    Collections.nCopies(300_000, RawFrame.text("x".repeat(100))));

            try (WsSession other = WsSession.connect(f.vertx, f.port(), "/v1/chat")) {
                other.send(NativeSocketTest.request("bystander", "When?"));
                assertThat(NativeSocketTest.framesOf(other, "bystander").getLast().getString("type")).isEqualTo("end");
            }
            Throwable stopped = catchThrowable(() -> flood.get(30, TimeUnit.SECONDS));
            assertThat(stopped).as("the flood is not read to its end: the connection is dropped under it")
                    .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(IOException.class);
        }
    }

    @Test
    void aClientThatReadsSlowlyButSteadilyIsNotCut() throws Exception {
        // Each read drains the queue, so the stall clock restarts: only a client that reads nothing is cut.
        FakeGenerator fast = FakeGenerator.words(TOKENS, 0);
        try (ServerFixture f = server(fast); WsSession s = WsSession.connect(f.vertx, f.port(), "/v1/chat")) {
            s.ws.pause();
            s.send(NativeSocketTest.request("slow-reader", "When?"));
            Await.until(() -> fast.pausedNow);
            while (!s.frames.stream().anyMatch(fr -> fr.contains("\"type\":\"end\""))) {
                s.ws.fetch(20_000); // several reads per stall bound
                Thread.sleep(Long.parseLong(STALL_MS) / 4);
                assertThat(s.closed).as("closed while the client was reading").isNotDone();
            }
            List<ChatRecord> records = f.memoryLog().recent(1);
            assertThat(records.getFirst().status()).isEqualTo(ChatRecord.Status.completed);
            assertThat(records.getFirst().finalAnswer()).isEqualTo(fast.fullText());
        }
    }
}
