package dev.ragd.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ragd.chatlog.ChatRecord;
import dev.ragd.chatlog.SearchResult;
import dev.ragd.testsupport.SharedApp;
import dev.ragd.testsupport.WsSession;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The book-compatible WebSocket at {@code /} over the whole real object graph and sample corpus. */
class BookSocketE2ETest {

    @RegisterExtension
    static final SharedApp APP = SharedApp.standard();

    static final String QUESTION = "What is the warranty of the Cinder Kettle?";
    /** The exact first frame the book's page expects, compact, keys in the book's order. */
    static final Pattern PRINT_FRAME = Pattern.compile(
            "\\{\"type\":\"print\",\"content\":\\{\"uuid\":\"([0-9a-f-]{36})\",\"objects\":\\[\"ANSWER:\"],"
                    + "\"sep\":\" \",\"end\":\"\\\\n\"}}");
    /** The regex the book's test page applies to every raw frame to pull out the tokens. */
    static final Pattern BOOK_TOKEN = Pattern.compile("\"content\":\"(.*?)\"");

    @Test
    void bookQuestionStreamsACitedAnswerClosesNormallyAndIsLoggedWithItsSearch() throws Exception {
        List<String> frames;
        short closeCode;
        try (WsSession ws = WsSession.connect(APP.get().clientVertx(), APP.get().port(), "/")) {
            ws.send(bookRequest("a@b.c", QUESTION));
            frames = ws.readUntilClosed();
            closeCode = ws.closeCode;
        }

        assertThat(closeCode).isEqualTo((short) 1000);
        assertThat(frames).hasSizeGreaterThan(1);
        Matcher first = PRINT_FRAME.matcher(frames.getFirst());
        assertThat(first.matches()).as("first frame %s", frames.getFirst()).isTrue();
        String uuid = first.group(1);
        StringBuilder answer = new StringBuilder();
        for (String raw : frames.subList(1, frames.size())) {
            assertThat(raw).startsWith("{\"type\":\"stream\",\"content\":{\"uuid\":\"" + uuid + "\",\"content\":\"");
            answer.append(new JsonObject(raw).getJsonObject("content").getString("content"));
        }
        assertThat(answer.toString()).contains("5 years").contains("[1]");

        ChatRecord record = APP.get().record(uuid).orElseThrow(() -> new AssertionError("no record " + uuid));
        assertThat(record.userQuestion()).isEqualTo(QUESTION);
        assertThat(record.finalAnswer()).isEqualTo(answer.toString());
        assertThat(record.userEmail()).isEqualTo("a@b.c");
        assertThat(record.status()).isEqualTo(ChatRecord.Status.completed);
        assertThat(record.model()).isEqualTo("extractive");
        assertThat(record.agentsSearchResults()).isNotEmpty();
        assertThat(record.agentsSearchResults().getFirst().query()).isEqualTo(QUESTION);
        assertThat(record.agentsSearchResults().stream().flatMap(s -> s.hits().stream()).map(SearchResult.Hit::docId))
                .contains("K-103");
    }

    @Test
    void theBookPagesRegexOverRawFramesReconstructsTheStreamedAnswer() throws Exception {
        List<String> frames;
        try (WsSession ws = WsSession.connect(APP.get().clientVertx(), APP.get().port(), "/")) {
            ws.send(bookRequest("regex@example.org", QUESTION));
            frames = ws.readUntilClosed();
        }

        StringBuilder viaRegex = new StringBuilder();
        for (String raw : frames) {
            Matcher m = BOOK_TOKEN.matcher(raw);
            while (m.find()) {
                viaRegex.append(m.group(1));
            }
        }
        String uuid = new JsonObject(frames.getFirst()).getJsonObject("content").getString("uuid");
        String logged = APP.get().record(uuid).orElseThrow().finalAnswer();
        assertThat(viaRegex.toString()).isEqualTo(logged).contains("5 years [1]");
    }

    /**
     * A {@code "} in the answer is sent as {@code \u0022} (the same JSON value as {@code \"}), so the
     * page's lazy regex does not stop inside a token: it captures every token whole, and decoding
     * the captured JSON string text gives back the logged answer exactly.
     */
    @Test
    void answerQuotingTheDocumentsSurvivesTheBookPagesRegex() throws Exception {
        List<String> frames;
        try (WsSession ws = WsSession.connect(APP.get().clientVertx(), APP.get().port(), "/")) {
            ws.send(bookRequest("quotes@example.org", "What does \"final sale\" mean?"));
            frames = ws.readUntilClosed();
        }

        StringBuilder viaRegex = new StringBuilder();
        for (String raw : frames) {
            Matcher m = BOOK_TOKEN.matcher(raw);
            while (m.find()) {
                viaRegex.append(m.group(1));
            }
        }
        String uuid = new JsonObject(frames.getFirst()).getJsonObject("content").getString("uuid");
        String logged = APP.get().record(uuid).orElseThrow().finalAnswer();
        assertThat(logged).as("this question's answer quotes the documents").contains("\"");
        assertThat(new JsonObject("{\"s\":\"" + viaRegex + "\"}").getString("s")).isEqualTo(logged);
    }

    @Test
    void followUpQuestionWithBookStyleHistoryIsAnsweredFromTheLastQuestion() throws Exception {
        JsonObject request = new JsonObject().put("email", "alias@example.org").put("chat_history", new JsonArray()
                .add("user_question: What is the warranty of the Aurora Kettle?")
                .add("RAG Chatbot: Aurora Kettle — Warranty: 2 years [1]")
                .add("user_question: " + QUESTION));
        List<String> frames;
        try (WsSession ws = WsSession.connect(APP.get().clientVertx(), APP.get().port(), "/")) {
            ws.send(request);
            frames = ws.readUntilClosed();
        }

        String uuid = new JsonObject(frames.getFirst()).getJsonObject("content").getString("uuid");
        ChatRecord record = APP.get().record(uuid).orElseThrow();
        assertThat(record.userQuestion()).isEqualTo(QUESTION);
        assertThat(record.userEmail()).isEqualTo("alias@example.org");
        assertThat(record.finalAnswer()).contains("5 years");
    }

    @Test
    void overLongQuestionGetsTheBooksPrintFrameAndNoSearch() throws Exception {
        List<String> frames;
        short closeCode;
        try (WsSession ws = WsSession.connect(APP.get().clientVertx(), APP.get().port(), "/")) {
            ws.send(bookRequest("a@b.c", "why ".repeat(300)));
            frames = ws.readUntilClosed();
            closeCode = ws.closeCode;
        }

        assertThat(closeCode).isEqualTo((short) 1000);
        assertThat(frames).hasSize(1);
        assertThat(new JsonObject(frames.getFirst()).getJsonObject("content").getJsonArray("objects").getList())
                .containsExactly("Sorry, your question is too long.");
    }

    static JsonObject bookRequest(String email, String question) {
        return new JsonObject().put("user_email", email)
                .put("chat_history", new JsonArray().add("user_question: " + question));
    }
}
