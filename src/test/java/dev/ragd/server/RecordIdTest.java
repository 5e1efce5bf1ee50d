package dev.ragd.server;

import static dev.ragd.server.NativeSocketTest.framesOf;
import static dev.ragd.server.NativeSocketTest.request;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ragd.chatlog.ChatRecord;
import dev.ragd.testsupport.FakeGenerator;
import dev.ragd.testsupport.InMemoryChatLog;
import dev.ragd.testsupport.WsSession;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * The chat-log record of a request is keyed by an id the server generates ({@code log_id}), never
 * by the id the client sends: two clients that pick the same id each get a record of their own,
 * and every answer a client saw end is in the store under the {@code log_id} its frames named.
 */
class RecordIdTest {

    private static final String UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
    private static final String SHARED_ID = "q-d960f9";

    /** What one client saw: the log id of its start frame, of its end frame, and the record present at its end. */
    record Seen(String startLogId, String endLogId, ChatRecord recordAtEnd) {}

    /** Asks on a socket of its own; the record is looked up the moment the end frame arrives. */
    static Seen askOnNativeSocket(ServerFixture f, String user, String id) throws Exception {
        try (WsSession s = WsSession.connect(f.vertx, f.port(), "/v1/chat")) {
            Map<String, ChatRecord> atEnd = new ConcurrentHashMap<>();
            s.onFrame = frame -> {
                JsonObject o = new JsonObject(frame);
                ChatRecord r = "end".equals(o.getString("type")) ? f.memoryLog().byLogId(o.getString("log_id")) : null;
                if (r != null) {
                    atEnd.put("end", r);
                }
            };
            s.send(request(id, "When does the library open?").put("user_email", user));
            List<JsonObject> frames = framesOf(s, id);
            assertThat(frames.getFirst().getString("type")).isEqualTo("start");
            assertThat(frames.getLast().getString("type")).isEqualTo("end");
            return new Seen(frames.getFirst().getString("log_id"), frames.getLast().getString("log_id"), atEnd.get("end"));
        }
    }

    static Seen askOverSse(ServerFixture f, String user, String id) throws Exception {
        HttpChatTest.Reply r = HttpChatTest.post(f, request(id, "When does the library open?").put("user_email", user));
        List<HttpChatTest.Event> events = HttpChatTest.events(r.body());
        assertThat(events.getFirst().type()).isEqualTo("start");
        assertThat(events.getLast().type()).isEqualTo("end");
        String endLogId = events.getLast().data().getString("log_id");
        return new Seen(events.getFirst().data().getString("log_id"), endLogId, f.memoryLog().byLogId(endLogId));
    }

    interface Ask {
        Seen ask(ServerFixture f, String user, String id) throws Exception;
    }

    /** alice and mallory ask with the same id, at once when {@code together}, else one after the other. */
    static void twoClientsWithOneIdGetTwoRecords(Ask ask, boolean together) throws Exception {
        InMemoryChatLog chatLog = new InMemoryChatLog().slow(together ? 100 : 0);
        try (ServerFixture f = ServerFixture.builder().chatLog(chatLog).generator(FakeGenerator.words(20, 2)).start()) {
            List<Seen> seen = new ArrayList<>();
            if (together) {
                ExecutorService pool = Executors.newFixedThreadPool(2);
                try {
                    List<Future<Seen>> both = pool.invokeAll(List.<Callable<Seen>>of(
                            () -> ask.ask(f, "alice@example.org", SHARED_ID), () -> ask.ask(f, "mallory@example.org", SHARED_ID)));
                    for (Future<Seen> s : both) {
                        seen.add(s.get());
                    }
                } finally {
                    pool.shutdownNow();
                }
            } else {
                seen.add(ask.ask(f, "alice@example.org", SHARED_ID));
                seen.add(ask.ask(f, "mallory@example.org", SHARED_ID));
            }

            assertThat(seen).allSatisfy(s -> {
                assertThat(s.endLogId()).matches(UUID).isNotEqualTo(SHARED_ID).isEqualTo(s.startLogId());
                assertThat(s.recordAtEnd()).as("the record named by the end frame was in the store when it arrived")
                        .isNotNull();
                assertThat(s.recordAtEnd().id()).isEqualTo(s.endLogId());
                assertThat(s.recordAtEnd().requestId()).as("the client's id is kept").isEqualTo(SHARED_ID);
            });
            assertThat(seen).extracting(Seen::endLogId).doesNotHaveDuplicates();
            assertThat(chatLog.recent(10)).hasSize(2)
                    .extracting(ChatRecord::userEmail).containsExactlyInAnyOrder("alice@example.org", "mallory@example.org");
        }
    }

    @Test
    void twoSocketsSendingTheSameIdAtOnceGetARecordEach() throws Exception {
        twoClientsWithOneIdGetTwoRecords(RecordIdTest::askOnNativeSocket, true);
    }

    @Test
    void twoSocketsSendingTheSameIdOneAfterTheOtherGetARecordEach() throws Exception {
        twoClientsWithOneIdGetTwoRecords(RecordIdTest::askOnNativeSocket, false);
    }

    @Test
    void twoSseRequestsWithTheSameIdAtOnceGetARecordEach() throws Exception {
        twoClientsWithOneIdGetTwoRecords(RecordIdTest::askOverSse, true);
    }

    @Test
    void twoSseRequestsWithTheSameIdOneAfterTheOtherGetARecordEach() throws Exception {
        twoClientsWithOneIdGetTwoRecords(RecordIdTest::askOverSse, false);
    }

    @Test
    void theWholeAnswerFrameAndTheJsonBodyNameTheServersLogId() throws Exception {
        try (ServerFixture f = ServerFixture.builder().start();
                WsSession s = WsSession.connect(f.vertx, f.port(), "/v1/chat")) {
            s.send(request("w-1", "When?").put("stream", false));
            JsonObject frame = framesOf(s, "w-1").getLast();
            JsonObject body = HttpChatTest.post(f, request("w-1", "When?").put("stream", false)).json();

            for (JsonObject answer : List.of(frame, body)) {
                assertThat(answer.getString("id")).isEqualTo("w-1");
                assertThat(answer.getString("log_id")).matches(UUID);
                assertThat(f.memoryLog().byLogId(answer.getString("log_id")).requestId()).isEqualTo("w-1");
            }
            assertThat(frame.getString("log_id")).isNotEqualTo(body.getString("log_id"));
        }
    }

    @Test
    void theBookProtocolsUuidIsTheLogId() throws Exception {
        try (ServerFixture f = ServerFixture.builder().start();
                WsSession s = WsSession.connect(f.vertx, f.port(), "/")) {
            s.send(new JsonObject().put("chat_history", new JsonArray().add("user_question: When?")));
            List<String> frames = s.readUntilClosed();

            String uuid = new JsonObject(frames.getFirst()).getJsonObject("content").getString("uuid");
            assertThat(uuid).matches(UUID);
            assertThat(f.memoryLog().byLogId(uuid).requestId()).isEqualTo(uuid);
        }
    }
}
