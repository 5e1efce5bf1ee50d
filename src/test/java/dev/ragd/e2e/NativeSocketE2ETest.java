package dev.ragd.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ragd.chatlog.ChatRecord;
import dev.ragd.testsupport.SharedApp;
import dev.ragd.testsupport.WsSession;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The native WebSocket at {@code /v1/chat} over the whole real object graph and sample corpus. */
class NativeSocketE2ETest {

    @RegisterExtension
    static final SharedApp APP = SharedApp.standard();

    static final String UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
    private static final Pattern CITATION = Pattern.compile("\\[(\\d+)]");

    @Test
    void streamedAnswerArrivesAsStartSourcesTokensEndAndIsLoggedBeforeTheEnd() throws Exception {
        List<JsonObject> frames = new ArrayList<>();
        Optional<ChatRecord> recordAtEnd;
        try (WsSession ws = WsSession.connect(APP.get().clientVertx(), APP.get().port(), "/v1/chat")) {
            ws.send(request("n-1", BookSocketE2ETest.QUESTION).put("user_email", "native@example.org"));
            JsonObject frame;
            do {
                frame = ws.nextJson();
                frames.add(frame);
            } while (!"end".equals(frame.getString("type")) && !"error".equals(frame.getString("type")));
            recordAtEnd = APP.get().record("n-1");
        }

        assertThat(frames).extracting(f -> f.getString("id")).containsOnly("n-1");
        assertThat(frames.get(0).getString("type")).isEqualTo("start");
        assertThat(frames.get(1).getString("type")).isEqualTo("sources");
        List<JsonObject> tokens = frames.subList(2, frames.size() - 1);
        assertThat(tokens).isNotEmpty().allSatisfy(f -> assertThat(f.getString("type")).isEqualTo("token"));
        String answer = tokens.stream().map(f -> f.getString("text")).reduce("", String::concat);
        assertThat(answer).contains("5 years").contains("[1]");
        JsonArray items = frames.get(1).getJsonArray("items");
        assertThat(citedDocIds(answer, items)).contains("K-103");

        JsonObject end = frames.getLast();
        assertThat(end.getString("type")).isEqualTo("end");
        assertThat(end.getString("log_id")).as("made by the server, not the client's id").matches(UUID)
                .isEqualTo(frames.getFirst().getString("log_id"));
        assertThat(end.getString("logged")).as("the record is durable in the store before end").isEqualTo("stored");
        assertThat(end.getString("model")).isEqualTo("extractive");
        assertThat(end.getJsonObject("answerer").getBoolean("language_model")).isFalse();
        assertThat(end.getJsonObject("timings").getInteger("completion_tokens")).isEqualTo(tokens.size());
        assertThat(recordAtEnd).as("record written before the end frame").isPresent();
        ChatRecord record = recordAtEnd.orElseThrow();
        assertThat(record.id()).isEqualTo(end.getString("log_id"));
        assertThat(record.requestId()).isEqualTo("n-1");
        assertThat(record.finalAnswer()).isEqualTo(answer);
        assertThat(record.status()).isEqualTo(ChatRecord.Status.completed);
        assertThat(record.userEmail()).isEqualTo("native@example.org");
        assertThat(record.agentsSearchResults().getFirst().hits()).extracting(h -> h.docId())
                .containsExactlyElementsOf(items.stream().map(i -> ((JsonObject) i).getString("doc_id")).toList());
    }

    @Test
    void tenConcurrentRequestsOnOneSocketAllCompleteWithTheirOwnIds() throws Exception {
        String[] products = {"Aurora Kettle", "Boreal Kettle", "Cinder Kettle", "Dune Kettle"};
        Map<String, List<JsonObject>> byId = new LinkedHashMap<>();
        Map<String, String> questions = new HashMap<>();
        try (WsSession ws = WsSession.connect(APP.get().clientVertx(), APP.get().port(), "/v1/chat")) {
            for (int i = 0; i < 10; i++) {
                String id = "c-" + i;
                String question = "What is the warranty of the " + products[i % products.length] + "?";
                questions.put(id, question);
                byId.put(id, new ArrayList<>());
                ws.send(request(id, question));
            }
            int finished = 0;
            while (finished < 10) {
                JsonObject frame = ws.nextJson();
                byId.get(frame.getString("id")).add(frame);
                if ("end".equals(frame.getString("type")) || "error".equals(frame.getString("type"))) {
                    finished++;
                }
            }
        }

        byId.forEach((id, frames) -> {
            assertThat(frames).extracting(f -> f.getString("type")).as(id)
                    .startsWith("start", "sources").endsWith("end")
                    .filteredOn(t -> !t.equals("start") && !t.equals("sources") && !t.equals("end"))
                    .isNotEmpty().containsOnly("token");
            assertThat(frames.getLast().getString("log_id")).matches(UUID);
            String answer = frames.stream().filter(f -> "token".equals(f.getString("type")))
                    .map(f -> f.getString("text")).reduce("", String::concat);
            ChatRecord record = APP.get().record(frames.getLast().getString("log_id"))
                    .orElseThrow(() -> new AssertionError("no record " + id));
            assertThat(record.requestId()).isEqualTo(id);
            assertThat(record.userQuestion()).isEqualTo(questions.get(id));
            assertThat(record.finalAnswer()).isEqualTo(answer);
        });
        assertThat(byId.get("c-2").stream().filter(f -> "token".equals(f.getString("type")))
                .map(f -> f.getString("text")).reduce("", String::concat)).contains("5 years");
    }

    @Test
    void nonStreamingRequestGetsOneAnswerFrameWithSourcesAndLogId() throws Exception {
        JsonObject answer;
        try (WsSession ws = WsSession.connect(APP.get().clientVertx(), APP.get().port(), "/v1/chat")) {
            ws.send(request("whole-1", BookSocketE2ETest.QUESTION).put("stream", false));
            answer = ws.nextJson();
            ws.send(request("whole-2", "How long does shipping take?").put("stream", false));
            assertThat(ws.nextJson().getString("id")).as("the next frame belongs to the next request").isEqualTo("whole-2");
        }

        assertThat(answer.getString("type")).isEqualTo("answer");
        assertThat(answer.getString("id")).isEqualTo("whole-1");
        assertThat(answer.getString("log_id")).matches(UUID);
        assertThat(answer.getString("answer")).contains("5 years").contains("[1]");
        assertThat(citedDocIds(answer.getString("answer"), answer.getJsonArray("sources"))).contains("K-103");
        assertThat(APP.get().record(answer.getString("log_id")).orElseThrow().finalAnswer()).isEqualTo(answer.getString("answer"));
    }

    @Test
    void overLongQuestionGetsAnErrorFrameAndTheSocketStaysUsable() throws Exception {
        try (WsSession ws = WsSession.connect(APP.get().clientVertx(), APP.get().port(), "/v1/chat")) {
            ws.send(request("long-1", "x".repeat(1001)));
            JsonObject error = ws.nextJson();
            ws.send(request("after-long", BookSocketE2ETest.QUESTION).put("stream", false));
            JsonObject next = ws.nextJson();

            assertThat(error.getMap()).containsEntry("type", "error").containsEntry("id", "long-1")
                    .containsEntry("code", "question_too_long").containsEntry("retryable", false);
            assertThat(next.getString("type")).isEqualTo("answer");
        }
    }

    static JsonObject request(String id, String question) {
        return new JsonObject().put("id", id)
                .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", question)));
    }

    /** The doc ids of the sources the answer's citations [n] point at. */
    static List<String> citedDocIds(String answer, JsonArray items) {
        List<String> ids = new ArrayList<>();
        Matcher m = CITATION.matcher(answer);
        while (m.find()) {
            int n = Integer.parseInt(m.group(1));
            assertThat(n).as("citation [%d] within %d sources", n, items.size()).isBetween(1, items.size());
            ids.add(items.getJsonObject(n - 1).getString("doc_id"));
        }
        return ids;
    }
}
