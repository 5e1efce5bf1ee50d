package dev.ragd.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ragd.chatlog.ChatRecord;
import dev.ragd.testsupport.Await;
import dev.ragd.testsupport.SharedApp;
import dev.ragd.testsupport.WsSession;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Clients that go away mid-answer, against an app that paces its tokens 50 ms apart so the answer
 * is still streaming when the client leaves: the record is written as {@code cancelled} with the
 * part of the answer produced so far. Without a resume window, so that leaving cancels at once (with
 * one, a streaming answer first waits for its client to resume it: {@code ResumeTest}).
 */
class CancellationE2ETest {

    @RegisterExtension
    static final SharedApp APP = SharedApp.with(Map.of("RAGD_EXTRACTIVE_TOKEN_MS", "50",
            "RAGD_RESUME_WINDOW_MS", "0"));

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

    /**
     * Read with the JDK client, line by line, and closed after the first token: Vert.x's pooled
     * client can hand over a body's first chunks before the response handler is set
     * (eclipse-vertx/vert.x#5825), which made this test see a later token as the first.
     */
    @Test
    void sseClientDisconnectingAfterTheFirstTokenCancelsItsRequest() throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(APP.get().baseUrl() + "/v1/chat"))
                .header("content-type", "application/json").timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString(
                        NativeSocketE2ETest.request("sse-leaver", BookSocketE2ETest.QUESTION).encode())).build();
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        String firstToken = null;
        HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            String line;
            while (firstToken == null && (line = lines.readLine()) != null) {
                if (line.startsWith("data: ")) {
                    JsonObject data = new JsonObject(line.substring("data: ".length()));
                    if ("token".equals(data.getString("type"))) {
                        firstToken = data.getString("text");
                    }
                }
            }
        } // closing the body before its end drops the connection
        http.close();
        assertThat(firstToken).isNotNull();

        assertCancelledWithPrefix("sse-leaver", firstToken);
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
