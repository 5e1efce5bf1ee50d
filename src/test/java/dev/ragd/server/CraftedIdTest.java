package dev.ragd.server;

import static dev.ragd.server.NativeSocketTest.framesOf;
import static dev.ragd.server.NativeSocketTest.request;
import static dev.ragd.server.ServerFixture.DEFAULT_ANSWER;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ragd.testsupport.WsSession;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Request ids are the client's: whatever a client picks, its replies stay whole and matchable. */
class CraftedIdTest {

    /** The placeholder the token frames were once built around: an id equal to it broke them. */
    static final String OLD_TOKEN_MARK = "\uE000ragd-token\uE000";

    static String answerOf(List<JsonObject> frames) {
        StringBuilder answer = new StringBuilder();
        frames.stream().filter(o -> "token".equals(o.getString("type"))).forEach(o -> answer.append(o.getString("text")));
        return answer.toString();
    }

    @Test
    void anIdEqualToTheOldTokenPlaceholderGetsANormalStreamedAnswerOnTheNativeSocket() throws Exception {
        try (ServerFixture f = ServerFixture.builder().env("RAGD_WS_MAX_INFLIGHT", "4").start();
                WsSession s = WsSession.connect(f.vertx, f.port(), "/v1/chat")) {
            s.send(request(OLD_TOKEN_MARK, "When does the library open?"));
            List<JsonObject> frames = framesOf(s, OLD_TOKEN_MARK);

            assertThat(frames).extracting(o -> o.getString("type")).startsWith("start", "sources", "token").endsWith("end");
            assertThat(answerOf(frames)).isEqualTo(DEFAULT_ANSWER);
            SlotLeakTest.fourConcurrentRequestsAllEnd(s);
        }
    }

    @Test
    void anIdEqualToTheOldTokenPlaceholderGetsANormalAnswerOverServerSentEvents() throws Exception {
        try (ServerFixture f = ServerFixture.builder().start()) {
            HttpChatTest.Reply r = HttpChatTest.post(f, request(OLD_TOKEN_MARK, "When?"));

            assertThat(r.status()).isEqualTo(200);
            List<HttpChatTest.Event> events = HttpChatTest.events(r.body());
            assertThat(events).extracting(HttpChatTest.Event::type).startsWith("start", "sources", "token").endsWith("end");
            assertThat(events).allSatisfy(e -> assertThat(e.data().getString("id")).isEqualTo(OLD_TOKEN_MARK));
            assertThat(answerOf(events.stream().map(HttpChatTest.Event::data).toList())).isEqualTo(DEFAULT_ANSWER);
        }
    }

    @Test
    void idsThatBreakJsonSyntaxOrTheTokenKeyAreEchoedExactly() throws Exception {
        List<String> ids = List.of("\",\"text\":\"", "\"}]", "\\\"", "{\"type\":\"end\"}", "😀");
        try (ServerFixture f = ServerFixture.builder().env("RAGD_WS_MAX_INFLIGHT", "8").start();
                WsSession s = WsSession.connect(f.vertx, f.port(), "/v1/chat")) {
            for (String id : ids) {
                s.send(request(id, "When?"));
                List<JsonObject> frames = framesOf(s, id);
                assertThat(frames.getLast().getString("type")).as(id).isEqualTo("end");
                assertThat(answerOf(frames)).as(id).isEqualTo(DEFAULT_ANSWER);
            }
        }
    }

    /** A JSON request whose id is written with JSON escapes, as no proper client would send it. */
    static String rawRequest(String escapedId) {
        return "{\"id\":\"" + escapedId + "\",\"messages\":[{\"role\":\"user\",\"content\":\"When?\"}]}";
    }

    @Test
    void anIdWithALoneSurrogateOrAControlCharacterIsABadRequestNamingTheId() throws Exception {
        try (ServerFixture f = ServerFixture.builder().start();
                WsSession s = WsSession.connect(f.vertx, f.port(), "/v1/chat")) {
            for (String escaped : List.of("a\\ud800b", "\\udc00", "tail\\ud83d", "nul\\u0000", "bell\\u0007", "nl\\n",
                    "del\\u007f", "c1\\u0085")) {
                s.send(rawRequest(escaped));
                JsonObject e = s.nextJson();

                assertThat(e.getString("type")).as(escaped).isEqualTo("error");
                assertThat(e.getString("code")).as(escaped).isEqualTo("bad_request");
                assertThat(e.getBoolean("retryable")).isFalse();
                assertThat(e.getString("message")).as(escaped).startsWith("id ");
                assertThat(e.getValue("id")).as("an id that cannot be echoed is not").isNull();
            }
            s.send(rawRequest("pair\\ud83d\\ude00"));
            assertThat(framesOf(s, "pair😀").getLast().getString("type")).as("a whole surrogate pair is fine")
                    .isEqualTo("end");
            assertThat(f.memoryLog().size()).isEqualTo(1);
        }
    }

    @Test
    void anIdWithALoneSurrogateIsA400OverHttp() throws Exception {
        try (ServerFixture f = ServerFixture.builder().start()) {
            HttpChatTest.Reply r = HttpChatTest.call(f, io.vertx.core.http.HttpMethod.POST, "/v1/chat",
                    rawRequest("x\\udfff"));

            assertThat(r.status()).isEqualTo(400);
            JsonObject error = r.json().getJsonObject("error");
            assertThat(error.getString("code")).isEqualTo("bad_request");
            assertThat(error.getString("message")).startsWith("id ");
            assertThat(f.memoryLog().size()).isZero();
        }
    }
}
