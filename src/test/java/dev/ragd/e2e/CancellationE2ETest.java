package dev.ragd.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ragd.chatlog.ChatRecord;
import dev.ragd.testsupport.Await;
import dev.ragd.testsupport.SharedApp;
import dev.ragd.testsupport.WsSession;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Clients that go away mid-answer, against an app that paces its tokens 50 ms apart so the answer
 * is still streaming when the client leaves: the record is written as {@code cancelled} with the
 * part of the answer produced so far.
 */
class CancellationE2ETest {

    @RegisterExtension
    static final SharedApp APP = SharedApp.with(Map.of("RAGD_EXTRACTIVE_TOKEN_MS", "50"));

    private static String fullAnswer;

    @BeforeAll
    static void theWholeAnswer() throws Exception {
        try (WsSession ws = WsSession.connect(APP.get().clientVertx(), APP.get().port(), "/v1/chat")) {
            ws.send(NativeSocketE2ETest.request("whole", BookSocketE2ETest.QUESTION).put("stream", false));
            fullAnswer = ws.nextJson().getString("answer");
        }
        assertThat(fullAnswer).contains("5 years");
    }

    @Test
    void bookClientClosingAfterTheFirstTokenLeavesACancelledRecordWithAPartialAnswer() throws Exception {
        String uuid;
        String firstToken;
        try (WsSession ws = WsSession.connect(APP.get().clientVertx(), APP.get().port(), "/")) {
            ws.send(BookSocketE2ETest.bookRequest("leaver@example.org", BookSocketE2ETest.QUESTION));
            uuid = ws.nextJson().getJsonObject("content").getString("uuid");
            firstToken = ws.nextJson().getJsonObject("content").getString("content");
        }

        assertCancelledWithPrefix(uuid, firstToken);
    }

    @Test
    void nativeSocketClosingAfterTheFirstTokenCancelsItsRequest() throws Exception {
        String firstToken;
        try (WsSession ws = WsSession.connect(APP.get().clientVertx(), APP.get().port(), "/v1/chat")) {
            ws.send(NativeSocketE2ETest.request("native-leaver", BookSocketE2ETest.QUESTION));
            JsonObject frame;
            do {
                frame = ws.nextJson();
            } while (!"token".equals(frame.getString("type")));
            firstToken = frame.getString("text");
        }

        assertCancelledWithPrefix("native-leaver", firstToken);
    }

    @Test
    void sseClientDisconnectingAfterTheFirstTokenCancelsItsRequest() throws Exception {
        HttpClient http = APP.get().clientVertx().createHttpClient();
        try {
            CompletableFuture<String> firstEvents = new CompletableFuture<>();
            HttpClientResponse response = http.request(HttpMethod.POST, APP.get().port(), "127.0.0.1", "/v1/chat")
                    .compose(req -> req.putHeader("content-type", "application/json").send(Buffer.buffer(
                            NativeSocketE2ETest.request("sse-leaver", BookSocketE2ETest.QUESTION).encode())))
                    .await(10, TimeUnit.SECONDS);
            StringBuilder seen = new StringBuilder();
            response.handler(chunk -> {
                seen.append(chunk.toString());
                if (seen.indexOf("event: token") >= 0 && !firstEvents.isDone()) {
                    firstEvents.complete(seen.toString());
                    response.request().connection().close();
                }
            });
            String received = firstEvents.get(10, TimeUnit.SECONDS);
            String firstToken = HttpChatE2ETest.events(received.substring(0, received.lastIndexOf("\n\n") + 2))
                    .stream().filter(e -> "token".equals(e.getString("type"))).findFirst().orElseThrow()
                    .getString("text");

            assertCancelledWithPrefix("sse-leaver", firstToken);
        } finally {
            http.close().await(10, TimeUnit.SECONDS);
        }
    }

    private static void assertCancelledWithPrefix(String id, String firstToken) throws InterruptedException {
        Await.until(() -> APP.get().record(id).isPresent());
        ChatRecord record = APP.get().record(id).orElseThrow();
        assertThat(record.status()).isEqualTo(ChatRecord.Status.cancelled);
        assertThat(record.userQuestion()).isEqualTo(BookSocketE2ETest.QUESTION);
        assertThat(record.finalAnswer()).as("partial answer").startsWith(firstToken);
        assertThat(fullAnswer).startsWith(record.finalAnswer());
        assertThat(record.finalAnswer().length()).as("a strict prefix").isLessThan(fullAnswer.length());
        assertThat(record.agentsSearchResults().getFirst().hits()).extracting(h -> h.docId()).contains("K-103");
    }
}
