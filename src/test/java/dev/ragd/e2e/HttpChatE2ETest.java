package dev.ragd.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.ragd.chatlog.ChatRecord;
import dev.ragd.testsupport.ChatPost;
import dev.ragd.testsupport.RunningApp;
import dev.ragd.testsupport.SharedApp;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/** {@code POST /v1/chat} (server-sent events and one JSON body) over the whole real object graph. */
class HttpChatE2ETest {

    @RegisterExtension
    static final SharedApp APP = SharedApp.standard();

    @Test
    void serverSentEventsCarryStartSourcesTokensAndEndWithTheRecordWritten() throws Exception {
        Reply reply = post(NativeSocketE2ETest.request("sse-1", BookSocketE2ETest.QUESTION)
                .put("user_email", "sse@example.org"));

        assertThat(reply.status).isEqualTo(200);
        assertThat(reply.contentType).startsWith("text/event-stream");
        List<JsonObject> events = events(reply.body);
        assertThat(events).extracting(e -> e.getString("type")).startsWith("start", "sources").endsWith("end")
                .filteredOn(t -> t.equals("token")).hasSize(events.size() - 3);
        assertThat(events).extracting(e -> e.getString("id")).containsOnly("sse-1");
        String answer = events.stream().filter(e -> "token".equals(e.getString("type")))
                .map(e -> e.getString("text")).reduce("", String::concat);
        assertThat(answer).contains("5 years").contains("[1]");
        assertThat(NativeSocketE2ETest.citedDocIds(answer, events.get(1).getJsonArray("items"))).contains("K-103");
        String logId = events.getLast().getString("log_id");
        assertThat(logId).matches(NativeSocketE2ETest.UUID).isEqualTo(events.getFirst().getString("log_id"));
        ChatRecord record = APP.get().record(logId).orElseThrow();
        assertThat(record.requestId()).isEqualTo("sse-1");
        assertThat(record.finalAnswer()).isEqualTo(answer);
        assertThat(record.userEmail()).isEqualTo("sse@example.org");
        assertThat(record.status()).isEqualTo(ChatRecord.Status.completed);
    }

    @Test
    void nonStreamingPostGetsOneJsonBodyWithTheWholeAnswer() throws Exception {
        Reply reply = post(NativeSocketE2ETest.request("json-1", BookSocketE2ETest.QUESTION).put("stream", false));

        assertThat(reply.status).isEqualTo(200);
        assertThat(reply.contentType).startsWith("application/json");
        JsonObject body = new JsonObject(reply.body);
        assertThat(body.getString("id")).isEqualTo("json-1");
        assertThat(body.getString("log_id")).matches(NativeSocketE2ETest.UUID);
        assertThat(body.getString("answer")).contains("5 years").contains("[1]");
        assertThat(NativeSocketE2ETest.citedDocIds(body.getString("answer"), body.getJsonArray("sources")))
                .contains("K-103");
        assertThat(APP.get().record(body.getString("log_id")).orElseThrow().finalAnswer()).isEqualTo(body.getString("answer"));
    }

    @Test
    void overLongQuestionIsA400WithTheErrorCodeAndNoServerError() throws Exception {
        Logger serverLog = (Logger) LoggerFactory.getLogger("dev.ragd.server");
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        serverLog.addAppender(logged);
        Reply reply;
        try {
            reply = post(NativeSocketE2ETest.request("long-http", "y".repeat(1001)));
        } finally {
            serverLog.detachAppender(logged);
        }

        assertThat(reply.status).isEqualTo(400);
        assertThat(new JsonObject(reply.body).getJsonObject("error").getString("code")).isEqualTo("question_too_long");
        assertThat(logged.list).as("a refused question is the client's error, not a server failure")
                .noneMatch(e -> e.getLevel().isGreaterOrEqual(Level.ERROR));
    }

    @Test
    void aFilterIsRefusedByAServerThatTakesNone() throws Exception {
        Reply reply = post(NativeSocketE2ETest.request("filtered", "What is the warranty?")
                .put("filters", new JsonObject().put("Manufacturer", "Acme")));

        assertThat(reply.status).isEqualTo(400);
        JsonObject error = new JsonObject(reply.body).getJsonObject("error");
        assertThat(error.getString("code")).isEqualTo("bad_request");
        assertThat(error.getString("message")).isEqualTo("this server takes no filters (filters: Manufacturer)");
    }

    record Reply(int status, String contentType, String body) {}

    /** {@code POST /v1/chat} to the shared app ({@link ChatPost}). */
    static Reply post(JsonObject body) throws Exception {
        return post(APP.get().port(), body);
    }

    static Reply post(int port, JsonObject body) throws Exception {
        return postRaw(port, body.encode());
    }

    /** Posts {@code body} as written (e.g. with JSON escapes no encoder would produce) to {@code app}. */
    static Reply postRaw(RunningApp app, String body) throws Exception {
        return postRaw(app.port(), body);
    }

    private static Reply postRaw(int port, String body) throws Exception {
        ChatPost.Reply r = ChatPost.post(port, body, java.time.Duration.ofSeconds(20));
        return new Reply(r.status(), r.contentType(), r.body());
    }

    /** The {@code data:} JSON of each event, checking that each event's name equals its type. */
    static List<JsonObject> events(String body) {
        List<JsonObject> out = new ArrayList<>();
        for (String block : body.split("\n\n")) {
            if (block.isBlank()) {
                continue;
            }
            String name = null;
            StringBuilder data = new StringBuilder();
            for (String line : block.split("\n")) {
                if (line.startsWith("event:")) {
                    name = line.substring("event:".length()).strip();
                } else if (line.startsWith("data:")) {
                    data.append(line.substring("data:".length()).strip());
                }
            }
            JsonObject event = new JsonObject(data.toString());
            assertThat(name).as("event name of %s", event).isEqualTo(event.getString("type"));
            out.add(event);
        }
        return out;
    }
}
