package dev.ragd.server;

import static dev.ragd.server.NativeSocketTest.framesOf;
import static dev.ragd.server.NativeSocketTest.request;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ragd.chatlog.ChatRecord;
import dev.ragd.llm.Message;
import dev.ragd.testsupport.FakeGenerator;
import dev.ragd.testsupport.WsSession;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Server-kept conversations over the native socket: a first question starts one (named in its
 * {@code start} frame, kept on its record); a later turn that sends only its question with the
 * {@code conversation_id} is answered with the earlier turns as its history; an id that names no
 * conversation of this user's is {@code not_found}; history the client sent is used as sent.
 */
class ConversationTest {

    static JsonObject turn(String id, String question, String conversationId) {
        return request(id, question).put("conversation_id", conversationId);
    }

    @Test
    void aFirstQuestionStartsAConversationNamedByItsOwnLogIdInTheStartFrameAndTheRecord() throws Exception {
        try (ServerFixture f = ServerFixture.builder().generator(FakeGenerator.words(3, 0)).start();
                WsSession ws = WsSession.connect(f.vertx, f.port(), "/v1/chat")) {
            ws.send(request("c1", "What does the warranty cover?"));
            List<JsonObject> frames = framesOf(ws, "c1");

            JsonObject start = frames.getFirst();
            assertThat(start.getString("type")).isEqualTo("start");
            assertThat(start.getString("conversation_id")).isEqualTo(start.getString("log_id")).isNotBlank();
            assertThat(frames.getLast().getString("conversation_id")).isEqualTo(start.getString("log_id"));
            ChatRecord r = f.memoryLog().await("c1", x -> true, Duration.ofSeconds(5));
            assertThat(r.conversationId()).isEqualTo(r.id());
        }
    }

    @Test
    void aLaterTurnWithOnlyItsQuestionIsAnsweredWithTheKeptTurnsAsHistoryOldestFirst() throws Exception {
        FakeGenerator gen = FakeGenerator.words(3, 0);
        // A window wide enough for both earlier turns (the window applies to kept history as to sent).
        try (ServerFixture f = ServerFixture.builder().generator(gen).env("RAGD_HISTORY_MESSAGES", "8").start();
                WsSession ws = WsSession.connect(f.vertx, f.port(), "/v1/chat")) {
            ws.send(request("t1", "What does the warranty cover?"));
            String conversation = framesOf(ws, "t1").getFirst().getString("conversation_id");
            ChatRecord first = f.memoryLog().await("t1", x -> true, Duration.ofSeconds(5));
            ws.send(turn("t2", "And for how long?", conversation));
            List<JsonObject> second = framesOf(ws, "t2");
            ws.send(turn("t3", "Who pays the shipping?", conversation));
            List<JsonObject> third = framesOf(ws, "t3");

            assertThat(second.getFirst().getString("conversation_id")).isEqualTo(conversation);
            assertThat(third.getLast().getString("type")).isEqualTo("end");
            ChatRecord secondRecord = f.memoryLog().await("t2", x -> true, Duration.ofSeconds(5));
            assertThat(secondRecord.conversationId()).isEqualTo(conversation);
            assertThat(secondRecord.id()).isNotEqualTo(conversation);
            assertThat(gen.lastRequest.question()).isEqualTo("Who pays the shipping?");
            assertThat(gen.lastRequest.history()).containsExactly(
                    Message.user(first.userQuestion()), Message.assistant(first.finalAnswer()),
                    Message.user("And for how long?"), Message.assistant(secondRecord.finalAnswer()));
        }
    }

    @Test
    void historyTheClientSendsIsUsedAsSentNotReplacedByTheKeptTurns() throws Exception {
        FakeGenerator gen = FakeGenerator.words(3, 0);
        try (ServerFixture f = ServerFixture.builder().generator(gen).start();
                WsSession ws = WsSession.connect(f.vertx, f.port(), "/v1/chat")) {
            ws.send(request("k1", "What does the warranty cover?"));
            String conversation = framesOf(ws, "k1").getFirst().getString("conversation_id");
            ws.send(new JsonObject().put("id", "k2").put("user_email", "ann@example.org")
                    .put("conversation_id", conversation).put("messages", new JsonArray()
                            .add(new JsonObject().put("role", "user").put("content", "my own earlier question"))
                            .add(new JsonObject().put("role", "assistant").put("content", "my own earlier answer"))
                            .add(new JsonObject().put("role", "user").put("content", "And now?"))));

            assertThat(framesOf(ws, "k2").getLast().getString("type")).isEqualTo("end");
            assertThat(gen.lastRequest.history()).containsExactly(
                    Message.user("my own earlier question"), Message.assistant("my own earlier answer"));
        }
    }

    @Test
    void aConversationIdOfNoConversationOrOfAnotherUsersIsNotFoundAndTheSocketStaysOpen() throws Exception {
        FakeGenerator gen = FakeGenerator.words(3, 0);
        try (ServerFixture f = ServerFixture.builder().generator(gen).start();
                WsSession ws = WsSession.connect(f.vertx, f.port(), "/v1/chat")) {
            ws.send(request("a1", "What does the warranty cover?"));
            String annsConversation = framesOf(ws, "a1").getFirst().getString("conversation_id");
            f.memoryLog().await("a1", x -> true, Duration.ofSeconds(5));
            int streams = gen.streams.get();

            ws.send(turn("n1", "Hello?", "0b6d0c9e-no-such-conversation"));
            JsonObject unknown = framesOf(ws, "n1").getLast();
            ws.send(turn("n2", "Hello?", annsConversation).put("user_email", "bob@example.org"));
            JsonObject others = framesOf(ws, "n2").getLast();
            ws.send(turn("n3", "Hello?", "has spaces"));
            JsonObject malformed = framesOf(ws, "n3").getLast();

            assertThat(unknown.getString("code")).isEqualTo("not_found");
            assertThat(unknown.getString("message")).contains("0b6d0c9e-no-such-conversation");
            assertThat(others.getString("code")).isEqualTo("not_found");
            assertThat(malformed.getString("code")).isEqualTo("bad_request");
            assertThat(malformed.getString("message")).contains("conversation_id");
            assertThat(gen.streams.get()).as("no model call for a refused turn").isEqualTo(streams);
            ws.send(turn("ok", "And for how long?", annsConversation));
            assertThat(framesOf(ws, "ok").getLast().getString("type")).isEqualTo("end");
        }
    }

    @Test
    void withoutAChatLogNoConversationIsStartedAndContinuingOrListingOneIsNotSupported() throws Exception {
        try (ServerFixture f = ServerFixture.builder().generator(FakeGenerator.words(3, 0))
                        .chatLog(new dev.ragd.chatlog.NoChatLog()).start();
                WsSession ws = WsSession.connect(f.vertx, f.port(), "/v1/chat")) {
            ws.send(request("x1", "What does the warranty cover?"));
            List<JsonObject> frames = framesOf(ws, "x1");
            ws.send(turn("x2", "And for how long?", frames.getFirst().getString("log_id")));
            JsonObject refused = framesOf(ws, "x2").getLast();
            java.net.http.HttpResponse<String> list = java.net.http.HttpClient.newHttpClient().send(
                    java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + f.port()
                            + "/v1/conversations")).build(), java.net.http.HttpResponse.BodyHandlers.ofString());

            assertThat(frames.getFirst().containsKey("conversation_id")).isFalse();
            assertThat(frames.getLast().getString("type")).isEqualTo("end");
            assertThat(refused.getString("code")).isEqualTo("not_supported");
            assertThat(refused.getString("message")).contains("RAGD_CHATLOG=none");
            assertThat(list.statusCode()).isEqualTo(501);
            assertThat(list.body()).contains("RAGD_CHATLOG=none");
        }
    }
}
