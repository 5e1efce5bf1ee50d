package dev.ragd.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import dev.ragd.testsupport.RecordedLog;
import dev.ragd.testsupport.WsSession;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A question with no letter or digit in it (only invisible, control or format characters, or
 * punctuation) is the client's mistake: {@code bad_request}, not retryable, no record, nothing
 * logged as a server problem.
 */
class NoLettersQuestionTest {

    /** The probe's questions, as JSON string escapes (a lone surrogate cannot be sent any other way). */
    static final List<String> ESCAPED_QUESTIONS = List.of("\\u00a0\\u00a0", "\\u200b", "\\u0000", "\\u202e", "\\ud800",
            "\\u00a0\\u200b\\u202e\\u0000\\udc00", "?!", "\\ufeff...\\u2060");

    static String rawRequest(String id, String escapedQuestion) {
        return "{\"id\":\"" + id + "\",\"messages\":[{\"role\":\"user\",\"content\":\"" + escapedQuestion + "\"}]}";
    }

    static void isNoLettersError(JsonObject e) {
        assertThat(e.getString("code")).isEqualTo("bad_request");
        assertThat(e.getBoolean("retryable")).isFalse();
        assertThat(e.getString("message")).isEqualTo("the question has no letters or digits");
    }

    @Test
    void aQuestionWithoutLettersOrDigitsIsABadRequestOnTheNativeSocketWithNoRecordAndNoWarning() throws Exception {
        try (ServerFixture f = ServerFixture.builder().start();
                WsSession s = WsSession.connect(f.vertx, f.port(), "/v1/chat");
                RecordedLog log = RecordedLog.start()) {
            for (int i = 0; i < ESCAPED_QUESTIONS.size(); i++) {
                s.send(rawRequest("q" + i, ESCAPED_QUESTIONS.get(i)));
                JsonObject e = s.nextJson();

                assertThat(e.getString("type")).as(ESCAPED_QUESTIONS.get(i)).isEqualTo("error");
                assertThat(e.getString("id")).isEqualTo("q" + i);
                isNoLettersError(e);
            }
            assertThat(f.memoryLog().size()).isZero();
            assertThat(f.fakeGenerator().streams).hasValue(0);
            assertThat(log.atLeast(Level.WARN)).isEmpty();
        }
    }

    @Test
    void aQuestionWithoutLettersOrDigitsIsA400OverHttp() throws Exception {
        try (ServerFixture f = ServerFixture.builder().start()) {
            for (String q : ESCAPED_QUESTIONS) {
                HttpChatTest.Reply r = HttpChatTest.call(f, HttpMethod.POST, "/v1/chat", rawRequest("h", q));

                assertThat(r.status()).as(q).isEqualTo(400);
                isNoLettersError(r.json().getJsonObject("error"));
            }
            assertThat(f.memoryLog().size()).isZero();
        }
    }

    @Test
    void aBookQuestionWithoutLettersOrDigitsIsClosedAsAPolicyViolation() throws Exception {
        try (ServerFixture f = ServerFixture.builder().start();
                WsSession s = WsSession.connect(f.vertx, f.port(), "/")) {
            s.send("{\"chat_history\":[\"user_question: \\u200b\\u00a0\"]}");

            assertThat(s.readUntilClosed()).isEmpty();
            assertThat(s.closeCode).isEqualTo((short) 1008);
            assertThat(s.closeReason()).isEqualTo("the question has no letters or digits");
        }
    }

    @Test
    void aQuestionInAnyScriptOrWithDigitsOnlyIsAnswered() throws Exception {
        try (ServerFixture f = ServerFixture.builder().start();
                WsSession s = WsSession.connect(f.vertx, f.port(), "/v1/chat")) {
            List<String> questions = List.of("¿Qué?", "営業時間は？", "42", "①", "\\u00a0a\\u200b");
            for (String q : questions) {
                s.send(rawRequest("ok", q));
                assertThat(NativeSocketTest.framesOf(s, "ok").getLast().getString("type")).as(q).isEqualTo("end");
            }
        }
    }
}
