package dev.ragd.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ragd.testsupport.SharedApp;
import dev.ragd.testsupport.WsSession;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code RAGD_TEST_MODE=true}: every endpoint answers with the whole answer in one piece. */
class TestModeE2ETest {

    @RegisterExtension
    static final SharedApp APP = SharedApp.with(Map.of("RAGD_TEST_MODE", "true"));

    @Test
    void bookSocketGetsThePrintFrameThenOneStreamFrameWithTheWholeAnswer() throws Exception {
        List<String> frames;
        short closeCode;
        try (WsSession ws = WsSession.connect(APP.get().clientVertx(), APP.get().port(), "/")) {
            ws.send(BookSocketE2ETest.bookRequest("tester@example.org", BookSocketE2ETest.QUESTION));
            frames = ws.readUntilClosed();
            closeCode = ws.closeCode;
        }

        assertThat(closeCode).isEqualTo((short) 1000);
        assertThat(frames).hasSize(2);
        assertThat(BookSocketE2ETest.PRINT_FRAME.matcher(frames.get(0)).matches()).as(frames.get(0)).isTrue();
        JsonObject stream = new JsonObject(frames.get(1));
        assertThat(stream.getString("type")).isEqualTo("stream");
        String uuid = stream.getJsonObject("content").getString("uuid");
        String answer = stream.getJsonObject("content").getString("content");
        assertThat(answer).contains("5 years [1]");
        assertThat(APP.get().record(uuid).orElseThrow().finalAnswer()).isEqualTo(answer);
    }

    @Test
    void nativeStreamingRequestGetsOneAnswerFrame() throws Exception {
        try (WsSession ws = WsSession.connect(APP.get().clientVertx(), APP.get().port(), "/v1/chat")) {
            ws.send(NativeSocketE2ETest.request("tm-1", BookSocketE2ETest.QUESTION).put("stream", true));
            JsonObject answer = ws.nextJson();
            ws.send(NativeSocketE2ETest.request("tm-2", "How long does shipping take?"));
            JsonObject next = ws.nextJson();

            assertThat(answer.getString("type")).isEqualTo("answer");
            assertThat(answer.getString("id")).isEqualTo("tm-1");
            assertThat(answer.getString("answer")).contains("5 years [1]");
            assertThat(answer.getJsonArray("sources")).isNotEmpty();
            assertThat(next.getMap()).as("no stray frames of tm-1").containsEntry("type", "answer")
                    .containsEntry("id", "tm-2");
        }
    }

    @Test
    void streamingHttpRequestGetsOneJsonBody() throws Exception {
        HttpChatE2ETest.Reply reply = HttpChatE2ETest.post(APP.get().port(),
                NativeSocketE2ETest.request("tm-http", BookSocketE2ETest.QUESTION).put("stream", true));

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.contentType()).startsWith("application/json");
        JsonObject body = new JsonObject(reply.body());
        assertThat(body.getString("id")).isEqualTo("tm-http");
        assertThat(body.getString("answer")).contains("5 years [1]");
        assertThat(APP.get().record("tm-http").orElseThrow().finalAnswer()).isEqualTo(body.getString("answer"));
    }
}
