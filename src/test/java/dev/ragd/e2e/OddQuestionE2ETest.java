package dev.ragd.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import dev.ragd.chatlog.ChatRecord;
import dev.ragd.testsupport.RecordedLog;
import dev.ragd.testsupport.SharedApp;
import dev.ragd.testsupport.WsSession;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Questions made of characters the embedding model cannot use, over the real embedder, index and
 * chat log: one with no letter or digit at all is the client's error; one with a NUL or a lone
 * surrogate inside ordinary words is answered as usual.
 */
class OddQuestionE2ETest {

    @RegisterExtension
    static final SharedApp APP = SharedApp.standard();

    /** NBSP, zero-width space, NUL, right-to-left override, a lone surrogate, and all of them: JSON escapes. */
    static final List<String> NO_LETTERS = List.of("\\u00a0\\u00a0", "\\u200b", "\\u0000", "\\u202e", "\\ud800",
            "\\u00a0\\u200b\\u0000\\u202e\\ud800");

    static String rawRequest(String id, String escapedQuestion) {
        return "{\"id\":\"" + id + "\",\"messages\":[{\"role\":\"user\",\"content\":\"" + escapedQuestion + "\"}]}";
    }

    static String rawWholeAnswerRequest(String id, String escapedQuestion) {
        return rawRequest(id, escapedQuestion).replaceFirst("}$", ",\"stream\":false}");
    }

    static List<JsonObject> framesUntilEnd(WsSession ws) throws InterruptedException {
        List<JsonObject> frames = new ArrayList<>();
        JsonObject f;
        do {
            f = ws.nextJson();
            frames.add(f);
        } while (!List.of("end", "error", "answer").contains(f.getString("type")));
        return frames;
    }

    @Test
    void questionsWithoutLettersOrDigitsAreBadRequestsWithoutRecordOrWarning() throws Exception {
        try (WsSession ws = WsSession.connect(APP.get().clientVertx(), APP.get().port(), "/v1/chat");
                RecordedLog log = RecordedLog.start()) {
            for (int i = 0; i < NO_LETTERS.size(); i++) {
                ws.send(rawRequest("odd-" + i, NO_LETTERS.get(i)));
                JsonObject e = ws.nextJson();

                assertThat(e.getMap()).as(NO_LETTERS.get(i)).containsEntry("type", "error")
                        .containsEntry("id", "odd-" + i).containsEntry("code", "bad_request")
                        .containsEntry("retryable", false)
                        .containsEntry("message", "the question has no letters or digits");
            }
            assertThat(log.atLeast(Level.WARN)).as("the client's mistake is not a server warning").isEmpty();
        }
        for (int i = 0; i < NO_LETTERS.size(); i++) {
            assertThat(APP.get().record("odd-" + i)).isEmpty();
        }
    }

    @Test
    void aNulAndALoneSurrogateInsideAnOrdinaryQuestionDoNotStopTheAnswer() throws Exception {
        List<JsonObject> frames;
        try (WsSession ws = WsSession.connect(APP.get().clientVertx(), APP.get().port(), "/v1/chat")) {
            ws.send(rawRequest("odd-inside", "What is the warranty of the Cinder\\ud800 Kettle\\u0000?"));
            frames = framesUntilEnd(ws);
        }

        assertThat(frames.getLast().getString("type")).isEqualTo("end");
        String answer = frames.stream().filter(f -> "token".equals(f.getString("type")))
                .map(f -> f.getString("text")).reduce("", String::concat);
        assertThat(answer).contains("5 years");
        ChatRecord record = APP.get().record("odd-inside").orElseThrow();
        assertThat(record.status()).isEqualTo(ChatRecord.Status.completed);
        assertThat(record.userQuestion()).startsWith("What is the warranty of the Cinder");
    }

    @Test
    void overHttpAQuestionWithoutLettersIsA400AndOneWithANulInsideIsAnswered() throws Exception {
        HttpChatE2ETest.Reply bad = HttpChatE2ETest.postRaw(APP.get(), rawRequest("odd-http", "\\u200b\\u00a0"));
        HttpChatE2ETest.Reply good = HttpChatE2ETest.postRaw(APP.get(),
                rawWholeAnswerRequest("odd-http-ok", "How long do I have to return\\u0000 an item?"));

        assertThat(bad.status()).isEqualTo(400);
        assertThat(new JsonObject(bad.body()).getJsonObject("error").getString("code")).isEqualTo("bad_request");
        assertThat(good.status()).isEqualTo(200);
        assertThat(new JsonObject(good.body()).getString("answer")).isNotBlank();
    }
}
