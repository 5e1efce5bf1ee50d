package dev.ragd.server;

import static dev.ragd.server.ServerFixture.DEFAULT_ANSWER;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ragd.chatlog.ChatRecord;
import dev.ragd.llm.Message;
import dev.ragd.testsupport.FakeGenerator;
import dev.ragd.testsupport.FakeRetriever;
import dev.ragd.testsupport.WsSession;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BookSocketTest {

    private static final Pattern PRINT = Pattern.compile(
            "\\{\"type\":\"print\",\"content\":\\{\"uuid\":\"([0-9a-f-]{36})\",\"objects\":\\[\"ANSWER:\"],\"sep\":\" \",\"end\":\"\\\\n\"}}");

    private static String question(String q) {
        return new JsonObject().put("user_email", "ann@example.org")
                .put("chat_history", new JsonArray().add("user_question: " + q)).encode();
    }

    /** The exact bytes of a stream frame: compact, with {@code "} in text written as {@code \u0022}. */
    private static String streamFrame(String uuid, String token) {
        return "{\"type\":\"stream\",\"content\":{\"uuid\":\"" + uuid + "\",\"content\":\""
                + token.replace("\"", "\\u0022") + "\"}}";
    }

    @Test
    void answersWithAPrintFrameThenOneCompactStreamFramePerTokenThenANormalClose() throws Exception {
        try (ServerFixture f = ServerFixture.builder().start();
                WsSession s = WsSession.connect(f.vertx, f.port(), "/")) {
            s.send(question("When does the library open?"));
            List<String> frames = s.readUntilClosed();

            assertThat(s.closeCode).isEqualTo((short) 1000);
            Matcher m = PRINT.matcher(frames.getFirst());
            assertThat(m.matches()).as("first frame %s", frames.getFirst()).isTrue();
            String uuid = m.group(1);
            List<String> expected = new ArrayList<>();
            for (String token : FakeGenerator.splitWords(DEFAULT_ANSWER)) {
                expected.add(streamFrame(uuid, token));
            }
            assertThat(frames.subList(1, frames.size())).containsExactlyElementsOf(expected);
            ChatRecord r = f.memoryLog().record(uuid);
            assertThat(r.status()).isEqualTo(ChatRecord.Status.completed);
            assertThat(r.finalAnswer()).isEqualTo(DEFAULT_ANSWER);
            assertThat(r.userEmail()).isEqualTo("ann@example.org");
            assertThat(r.userQuestion()).isEqualTo("When does the library open?");
        }
    }

    @Test
    void acceptsTheEmailAliasAndTheBooksStringHistory() throws Exception {
        try (ServerFixture f = ServerFixture.builder().start();
                WsSession s = WsSession.connect(f.vertx, f.port(), "/")) {
            s.send(new JsonObject().put("email", "bob@example.org").put("chat_history", new JsonArray()
                    .add("user_question: Is it open?").add("RAG Chatbot: Yes [1].").add("user_question: Until when?")));
            List<String> frames = s.readUntilClosed();

            assertThat(s.closeCode).isEqualTo((short) 1000);
            assertThat(f.fakeGenerator().lastRequest.question()).isEqualTo("Until when?");
            assertThat(f.fakeGenerator().lastRequest.history())
                    .containsExactly(Message.user("Is it open?"), Message.assistant("Yes [1]."));
            String uuid = new JsonObject(frames.getFirst()).getJsonObject("content").getString("uuid");
            assertThat(f.memoryLog().record(uuid).userEmail()).isEqualTo("bob@example.org");
        }
    }

    @Test
    void acceptsRoleContentEntriesAndUsesOnlyTheLastFour() throws Exception {
        JsonArray history = new JsonArray();
        for (int i = 1; i <= 3; i++) {
            history.add(new JsonObject().put("role", "user").put("content", "q" + i));
            history.add(new JsonObject().put("role", "assistant").put("content", "a" + i));
        }
        history.add(new JsonObject().put("role", "user").put("content", "user_question: q4"));
        try (ServerFixture f = ServerFixture.builder().start();
                WsSession s = WsSession.connect(f.vertx, f.port(), "/")) {
            s.send(new JsonObject().put("user_email", "c@example.org").put("chat_history", history));
            s.readUntilClosed();

            assertThat(s.closeCode).isEqualTo((short) 1000);
            assertThat(f.fakeGenerator().lastRequest.question()).isEqualTo("q4");
            assertThat(f.fakeGenerator().lastRequest.history())
                    .containsExactly(Message.assistant("a2"), Message.user("q3"), Message.assistant("a3"));
        }
    }

    @Test
    void anOverLongQuestionGetsTheSorryPrintFrameAndANormalClose() throws Exception {
        try (ServerFixture f = ServerFixture.builder().env("RAGD_MAX_QUESTION_CHARS", "10").start();
                WsSession s = WsSession.connect(f.vertx, f.port(), "/")) {
            s.send(question("This question is far too long"));
            List<String> frames = s.readUntilClosed();

            assertThat(s.closeCode).isEqualTo((short) 1000);
            assertThat(frames).singleElement().satisfies(frame -> assertThat(frame).matches(
                    "\\{\"type\":\"print\",\"content\":\\{\"uuid\":\"[0-9a-f-]{36}\",\"objects\":"
                            + "\\[\"Sorry, your question is too long\\.\"],\"sep\":\" \",\"end\":\"\\\\n\"}}"));
            assertThat(((FakeRetriever) f.retriever).calls).hasValue(0);
        }
    }

    @Test
    void malformedJsonClosesWith1007AndSaysWhy() throws Exception {
        try (ServerFixture f = ServerFixture.builder().start();
                WsSession s = WsSession.connect(f.vertx, f.port(), "/")) {
            s.send("{\"chat_history\": [\"user_question: hi\"");
            List<String> frames = s.readUntilClosed();

            assertThat(frames).isEmpty();
            assertThat(s.closeCode).isEqualTo((short) 1007);
            assertThat(s.closeReason()).startsWith("invalid JSON: ");
        }
    }

    @Test
    void aMissingChatHistoryClosesWith1008NamingTheField() throws Exception {
        try (ServerFixture f = ServerFixture.builder().start();
                WsSession s = WsSession.connect(f.vertx, f.port(), "/")) {
            s.send(new JsonObject().put("user_email", "a@example.org"));
            s.readUntilClosed();

            assertThat(s.closeCode).isEqualTo((short) 1008);
            assertThat(s.closeReason()).contains("missing field chat_history");
        }
    }

    @Test
    void aChatHistoryEntryOfTheWrongTypeClosesWith1008NamingTheEntry() throws Exception {
        try (ServerFixture f = ServerFixture.builder().start();
                WsSession s = WsSession.connect(f.vertx, f.port(), "/")) {
            s.send("{\"chat_history\": [\"user_question: hi\", 42]}");
            s.readUntilClosed();

            assertThat(s.closeCode).isEqualTo((short) 1008);
            assertThat(s.closeReason()).contains("chat_history[1]");
            assertThat(s.closeReason().getBytes(java.nio.charset.StandardCharsets.UTF_8).length).isLessThanOrEqualTo(123);
        }
    }

    @Test
    void testModeSendsTheWholeAnswerInOneStreamFrame() throws Exception {
        try (ServerFixture f = ServerFixture.builder().testMode().start();
                WsSession s = WsSession.connect(f.vertx, f.port(), "/")) {
            s.send(question("When?"));
            List<String> frames = s.readUntilClosed();

            assertThat(s.closeCode).isEqualTo((short) 1000);
            assertThat(frames).hasSize(2);
            Matcher m = PRINT.matcher(frames.get(0));
            assertThat(m.matches()).isTrue();
            assertThat(frames.get(1)).isEqualTo(streamFrame(m.group(1), DEFAULT_ANSWER));
        }
    }

    @Test
    void aGenerationFailureGetsAShortPrintedMessageAndAClose() throws Exception {
        try (ServerFixture f = ServerFixture.builder().generator(FakeGenerator.text(DEFAULT_ANSWER, 0).failingAfter(2))
                .start(); WsSession s = WsSession.connect(f.vertx, f.port(), "/")) {
            s.send(question("When?"));
            List<String> frames = s.readUntilClosed();

            assertThat(s.closeCode).isEqualTo((short) 1011);
            assertThat(frames).hasSize(4);
            JsonObject last = new JsonObject(frames.getLast());
            assertThat(last.getString("type")).isEqualTo("print");
            assertThat(last.getJsonObject("content").getJsonArray("objects").getString(0))
                    .isEqualTo("The answer was cut off because the language model stopped responding; please ask again.");
        }
    }

    @Test
    void aClientThatLeavesMidAnswerLeavesACancelledRecordWithThePartialAnswer() throws Exception {
        FakeGenerator slow = FakeGenerator.words(10_000, 5);
        try (ServerFixture f = ServerFixture.builder().generator(slow).start();
                WsSession s = WsSession.connect(f.vertx, f.port(), "/")) {
            s.send(question("When?"));
            String uuid = new JsonObject(s.next()).getJsonObject("content").getString("uuid");
            s.next();
            s.next();
            s.next();

            s.ws.close().await();

            ChatRecord r = f.memoryLog().await(uuid, x -> true, Duration.ofSeconds(10));
            assertThat(r.status()).isEqualTo(ChatRecord.Status.cancelled);
            assertThat(r.finalAnswer()).startsWith("w0 w1 w2");
            assertThat(r.finalAnswer().length()).isLessThan(slow.fullText().length());
            assertThat(slow.cancels).hasValue(1);
        }
    }

    @ParameterizedTest(name = "coalescing window {0} ms")
    @ValueSource(ints = {0, 30})
    void aClientThatStopsReadingPausesTheGeneratorInsteadOfFillingServerMemory(int coalesceMs) throws Exception {
        // joined tokens carry ~10x fewer bytes: more of them are needed to fill the socket buffers
        int tokens = coalesceMs == 0 ? 200_000 : 2_000_000;
        FakeGenerator fast = FakeGenerator.words(tokens, 0);
        try (ServerFixture f = ServerFixture.builder().generator(fast)
                .env("RAGD_STREAM_COALESCE_MS", Integer.toString(coalesceMs)).start();
                WsSession s = WsSession.connect(f.vertx, f.port(), "/")) {
            s.ws.pause();
            s.send(question("When?"));

            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!fast.pausedNow && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(fast.pausedNow).as("generator paused while the client does not read").isTrue();
            int emittedWhilePaused = fast.emitted.get();
            Thread.sleep(300);
            assertThat(fast.emitted.get()).isEqualTo(emittedWhilePaused).isLessThan(tokens);

            s.ws.resume();
            List<String> frames = s.readUntilClosed();
            assertThat(s.closeCode).isEqualTo((short) 1000);
            if (coalesceMs == 0) {
                assertThat(frames).hasSize(tokens + 1);
            } else {
                StringBuilder text = new StringBuilder();
                frames.stream().skip(1).forEach(fr -> text.append(new JsonObject(fr).getJsonObject("content").getString("content")));
                assertThat(frames.size()).isLessThan(tokens / 10);
                assertThat(text.toString()).isEqualTo(fast.fullText());
            }
            assertThat(fast.resumes.get()).isPositive();
        }
    }
}
