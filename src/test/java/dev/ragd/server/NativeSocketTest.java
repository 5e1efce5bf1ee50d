package dev.ragd.server;

import static dev.ragd.server.ServerFixture.DEFAULT_ANSWER;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ragd.chatlog.ChatRecord;
import dev.ragd.testsupport.Await;
import dev.ragd.testsupport.FakeGenerator;
import dev.ragd.testsupport.InMemoryChatLog;
import dev.ragd.testsupport.WsSession;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

class NativeSocketTest {

    static JsonObject request(String id, String question) {
        JsonObject o = new JsonObject();
        if (id != null) {
            o.put("id", id);
        }
        return o.put("user_email", "ann@example.org").put("messages",
                new JsonArray().add(new JsonObject().put("role", "user").put("content", question)));
    }

    /** Frames for {@code id} until its end or error frame. */
    static List<JsonObject> framesOf(WsSession s, String id) throws InterruptedException {
        List<JsonObject> out = new ArrayList<>();
        while (true) {
            JsonObject f = s.nextJson();
            if (id.equals(f.getString("id"))) {
                out.add(f);
                String type = f.getString("type");
                if (type.equals("end") || type.equals("error") || type.equals("answer")) {
                    return out;
                }
            }
        }
    }

    @Test
    void streamsStartSourcesTokensAndEndTaggedWithTheRequestIdAfterTheRecordIsWritten() throws Exception {
        InMemoryChatLog log = new InMemoryChatLog().slow(150);
        try (ServerFixture f = ServerFixture.builder().chatLog(log).start();
                WsSession s = WsSession.connect(f.vertx, f.port(), "/v1/chat")) {
            Map<String, ChatRecord> loggedWhenEndArrived = new ConcurrentHashMap<>();
            s.onFrame = frame -> {
                JsonObject o = new JsonObject(frame);
                if ("end".equals(o.getString("type"))) {
                    ChatRecord r = log.record(o.getString("log_id"));
                    if (r != null) {
                        loggedWhenEndArrived.put(o.getString("id"), r);
                    }
                }
            };
            s.send(request("q-1", "When does the library open?"));
            List<JsonObject> frames = framesOf(s, "q-1");

            assertThat(frames).extracting(o -> o.getString("type")).startsWith("start", "sources", "token").endsWith("end");
            JsonArray items = frames.get(1).getJsonArray("items");
            assertThat(items).hasSize(2);
            JsonObject first = items.getJsonObject(0);
            assertThat(first.getString("doc_id")).isEqualTo("faq-1");
            assertThat(first.getString("chunk_id")).isEqualTo("faq-1#0");
            assertThat(first.getString("title")).isEqualTo("Opening hours");
            assertThat(first.getDouble("score")).isEqualTo(0.91);
            assertThat(first.getString("url")).isEqualTo("https://example.org/faq-1");
            assertThat(first.getString("snippet")).startsWith("The library opens at 9 am").hasSizeLessThanOrEqualTo(201);
            assertThat(items.getJsonObject(1).containsKey("url")).isFalse();
            StringBuilder answer = new StringBuilder();
            frames.stream().filter(o -> o.getString("type").equals("token")).forEach(o -> answer.append(o.getString("text")));
            assertThat(answer).hasToString(DEFAULT_ANSWER);
            JsonObject end = frames.getLast();
            assertThat(end.getString("log_id")).isNotEqualTo("q-1").isEqualTo(frames.getFirst().getString("log_id"));
            assertThat(end.getJsonObject("timings").fieldNames()).containsExactlyInAnyOrder("retrieval_ms",
                    "first_token_ms", "total_ms", "prompt_tokens", "completion_tokens");
            assertThat(end.getString("model")).isEqualTo("fake-words");
            assertThat(end.getJsonObject("answerer").getBoolean("language_model")).isFalse();
            assertThat(loggedWhenEndArrived.get("q-1")).as("record present when end arrived").isNotNull()
                    .extracting(ChatRecord::status).isEqualTo(ChatRecord.Status.completed);
            assertThat(loggedWhenEndArrived.get("q-1").requestId()).isEqualTo("q-1");
        }
    }

    @Test
    void answersTwentyConcurrentRequestsOnOneSocket() throws Exception {
        try (ServerFixture f = ServerFixture.builder().env("RAGD_WS_MAX_INFLIGHT", "20")
                .generator(FakeGenerator.text(DEFAULT_ANSWER, 3)).start();
                WsSession s = WsSession.connect(f.vertx, f.port(), "/v1/chat")) {
            for (int i = 0; i < 20; i++) {
                s.send(request("c" + i, "Question " + i));
            }
            Map<String, StringBuilder> answers = new HashMap<>();
            int ended = 0;
            while (ended < 20) {
                JsonObject o = s.nextJson();
                switch (o.getString("type")) {
                    case "token" -> answers.computeIfAbsent(o.getString("id"), k -> new StringBuilder())
                            .append(o.getString("text"));
                    case "end" -> ended++;
                    case "error" -> throw new AssertionError("unexpected error " + o.encode());
                    default -> { }
                }
            }
            assertThat(answers).hasSize(20);
            answers.values().forEach(a -> assertThat(a).hasToString(DEFAULT_ANSWER));
            assertThat(f.memoryLog().size()).isEqualTo(20);
        }
    }

    @Test
    void aRequestOverTheInFlightLimitGetsARetryableTooManyRequestsError() throws Exception {
        try (ServerFixture f = ServerFixture.builder().env("RAGD_WS_MAX_INFLIGHT", "2")
                .generator(FakeGenerator.words(2_000, 5)).start();
                WsSession s = WsSession.connect(f.vertx, f.port(), "/v1/chat")) {
            s.send(request("a", "one"));
            s.send(request("b", "two"));
            s.send(request("c", "three"));

            JsonObject error = framesOf(s, "c").getLast();
            assertThat(error.getString("type")).isEqualTo("error");
            assertThat(error.getString("code")).isEqualTo("too_many_requests");
            assertThat(error.getBoolean("retryable")).isTrue();
            assertThat(error.getString("message")).contains("at most 2");
        }
    }

    @Test
    void streamFalseGetsTheWholeAnswerInOneFrame() throws Exception {
        try (ServerFixture f = ServerFixture.builder().start();
                WsSession s = WsSession.connect(f.vertx, f.port(), "/v1/chat")) {
            s.send(request("w", "When?").put("stream", false));
            List<JsonObject> frames = framesOf(s, "w");

            assertThat(frames).singleElement().satisfies(this::isWholeAnswer);
        }
    }

    @Test
    void testModeAnswersStreamingRequestsInOneFrame() throws Exception {
        try (ServerFixture f = ServerFixture.builder().testMode().start();
                WsSession s = WsSession.connect(f.vertx, f.port(), "/v1/chat")) {
            s.send(request("t", "When?"));

            assertThat(framesOf(s, "t")).singleElement().satisfies(this::isWholeAnswer);
        }
    }

    private void isWholeAnswer(JsonObject o) {
        assertThat(o.getString("type")).isEqualTo("answer");
        assertThat(o.getString("answer")).isEqualTo(DEFAULT_ANSWER);
        assertThat(o.getJsonArray("sources")).hasSize(2);
        assertThat(o.getString("log_id")).isNotBlank().isNotEqualTo(o.getString("id"));
        assertThat(o.getJsonObject("timings").getLong("total_ms")).isNotNull();
    }

    @Test
    void invalidRequestsGetBadRequestErrorsAndTheSocketStaysOpen() throws Exception {
        try (ServerFixture f = ServerFixture.builder().start();
                WsSession s = WsSession.connect(f.vertx, f.port(), "/v1/chat")) {
            s.send("not json");
            JsonObject e1 = s.nextJson();
            s.send(new JsonObject().put("id", "m").put("messages", new JsonArray()));
            JsonObject e2 = s.nextJson();
            s.send(new JsonObject().put("id", "r").put("messages", new JsonArray()
                    .add(new JsonObject().put("role", "robot").put("content", "x"))));
            JsonObject e3 = s.nextJson();
            s.send(new JsonObject().put("id", "n"));
            JsonObject e4 = s.nextJson();

            assertThat(List.of(e1, e2, e3, e4)).allSatisfy(e -> {
                assertThat(e.getString("type")).isEqualTo("error");
                assertThat(e.getString("code")).isEqualTo("bad_request");
                assertThat(e.getBoolean("retryable")).isFalse();
            });
            assertThat(e1.getString("message")).startsWith("invalid JSON");
            assertThat(e2.getString("id")).isEqualTo("m");
            assertThat(e2.getString("message")).contains("messages must be a non-empty list");
            assertThat(e3.getString("message")).contains("messages[0].role");
            assertThat(e4.getString("message")).contains("missing field messages");

            s.send(request("ok", "When?"));
            assertThat(framesOf(s, "ok").getLast().getString("type")).isEqualTo("end");
        }
    }

    @Test
    void anOverLongQuestionGetsAQuestionTooLongError() throws Exception {
        try (ServerFixture f = ServerFixture.builder().env("RAGD_MAX_QUESTION_CHARS", "5").start();
                WsSession s = WsSession.connect(f.vertx, f.port(), "/v1/chat")) {
            s.send(request("long", "a question too long"));

            JsonObject e = framesOf(s, "long").getFirst();
            assertThat(e.getString("type")).isEqualTo("error");
            assertThat(e.getString("code")).isEqualTo("question_too_long");
            assertThat(e.getString("message")).isEqualTo("Sorry, your question is too long.");
        }
    }

    @Test
    void withoutAResumeWindowClosingTheSocketCancelsEveryRequestInFlight() throws Exception {
        FakeGenerator slow = FakeGenerator.words(10_000, 5);
        try (ServerFixture f = ServerFixture.builder().env("RAGD_RESUME_WINDOW_MS", "0").generator(slow).start();
                WsSession s = WsSession.connect(f.vertx, f.port(), "/v1/chat")) {
            s.send(request("x1", "one"));
            s.send(request("x2", "two"));
            Await.until(() -> slow.emitted.get() >= 6);

            s.ws.close().await();

            for (String id : List.of("x1", "x2")) {
                ChatRecord r = f.memoryLog().await(id, x -> true, Duration.ofSeconds(10));
                assertThat(r.status()).isEqualTo(ChatRecord.Status.cancelled);
                assertThat(r.finalAnswer()).startsWith("w0");
            }
            assertThat(slow.cancels).hasValue(2);
        }
    }
}
