package dev.ragd.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ragd.chatlog.ChatRecord;
import dev.ragd.chatlog.Feedback;
import dev.ragd.chatlog.HashedEmailChatLog;
import dev.ragd.testsupport.RunningApp;
import dev.ragd.testsupport.SharedApp;
import dev.ragd.testsupport.WsSession;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Ratings of answers over HTTP ({@code POST /v1/feedback}) and the native socket ({@code feedback}
 * frames), against the real server with API keys and hashed emails: kept on the record, last one
 * wins, only the asker may rate, hostile bodies refused naming the problem, counted in metrics.
 */
class FeedbackE2ETest {

    static final String ALICE = "sk-alice-feedback-5c2e8a1b9d";
    static final String BOB = "sk-bob-feedback-0f7d3c6e2a";

    @RegisterExtension
    static final SharedApp APP = SharedApp.with(Map.of("RAGD_AUTH", "api-key",
            "RAGD_API_KEYS", "alice=" + ALICE + ",bob=" + BOB, "RAGD_HASH_EMAIL", "true"));

    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> post(String path, String body, String key) throws Exception {
        return post(path, body, key, "application/json");
    }

    private HttpResponse<String> post(String path, String body, String key, String type) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(APP.get().baseUrl() + path.substring(1)))
                .timeout(Duration.ofSeconds(20)).header("content-type", type)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (key != null) {
            b.header("authorization", "Bearer " + key);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Asks as {@code key} and returns the answer's log id. */
    private String ask(String key) throws Exception {
        String body = new JsonObject().put("stream", false).put("messages", List.of(Map.of("role", "user",
                "content", BookSocketE2ETest.QUESTION))).encode();
        HttpResponse<String> r = post("/v1/chat", body, key);
        assertThat(r.statusCode()).isEqualTo(200);
        return new JsonObject(r.body()).getString("log_id");
    }

    private static JsonObject rating(String logId, String rating) {
        return new JsonObject().put("log_id", logId).put("rating", rating);
    }

    private static String error(HttpResponse<String> r) {
        JsonObject e = new JsonObject(r.body()).getJsonObject("error");
        return e.getString("code") + ": " + e.getString("message");
    }

    private ChatRecord record(String logId) {
        return APP.get().app().chatLog().get(logId).orElseThrow();
    }

    @Test
    void theAskerRatesOverHttpAndTheLastRatingIsKeptOnTheUnchangedRecord() throws Exception {
        String logId = ask(ALICE);
        ChatRecord before = record(logId);

        HttpResponse<String> down = post("/v1/feedback", rating(logId, "down").put("reason", "Wrong «warranty»\nlength")
                .put("categories", new JsonArray().add("wrong").add("outdated")).encode(), ALICE);
        assertThat(down.statusCode()).isEqualTo(200);
        assertThat(new JsonObject(down.body())).isEqualTo(new JsonObject().put("log_id", logId).put("rating", "down")
                .put("status", "recorded"));
        Feedback kept = record(logId).feedback();
        assertThat(kept.rating()).isEqualTo(Feedback.Rating.down);
        assertThat(kept.reason()).isEqualTo("Wrong «warranty»\nlength");
        assertThat(kept.categories()).containsExactly("wrong", "outdated");

        assertThat(post("/v1/feedback", rating(logId, "up").encode(), ALICE).statusCode()).isEqualTo(200);
        ChatRecord after = record(logId);
        assertThat(after.feedback().rating()).isEqualTo(Feedback.Rating.up);
        assertThat(after.feedback().reason()).isNull();
        assertThat(after.withFeedback(null)).isEqualTo(before);
        assertThat(after.userEmail()).isEqualTo(HashedEmailChatLog.hash("alice"));
    }

    @Test
    void anotherUserAnUnknownAnswerAndNoCredentialCannotRate() throws Exception {
        String logId = ask(ALICE);

        HttpResponse<String> bob = post("/v1/feedback", rating(logId, "down").encode(), BOB);
        assertThat(bob.statusCode()).isEqualTo(404);
        assertThat(error(bob)).startsWith("not_found: no finished answer " + logId);
        assertThat(post("/v1/feedback", rating("6f1d2a-no-such-answer", "down").encode(), ALICE).statusCode())
                .isEqualTo(404);
        assertThat(post("/v1/feedback", rating(logId, "down").encode(), null).statusCode()).isEqualTo(401);
        assertThat(record(logId).feedback()).isNull();
    }

    @Test
    void hostileBodiesAreRefusedNamingTheProblemAndNothingIsKept() throws Exception {
        String logId = ask(ALICE);
        Map<String, String> cases = new java.util.LinkedHashMap<>();
        cases.put("{}", "bad_request: feedback needs the log_id");
        cases.put(rating(logId, "meh").encode(), "bad_request: rating must be \"up\" or \"down\"");
        cases.put(new JsonObject().put("log_id", logId).encode(), "bad_request: rating must be");
        cases.put(rating("../../etc/passwd", "up").encode(), "bad_request: log_id must name a log_id");
        cases.put(rating(logId, "up").put("log_id", 42).encode(), "bad_request: log_id must name a log_id");
        cases.put(rating(logId, "down").put("reason", "x".repeat(1001)).encode(),
                "bad_request: reason must be at most 1000 characters, got 1001");
        cases.put(rating(logId, "down").put("reason", 7).encode(), "bad_request: reason must be a string");
        cases.put(rating(logId, "down").put("reason", "bell\u0007").encode(), "bad_request: reason must not contain");
        // escaped in the JSON text: the HTTP client would send a raw lone surrogate as "?"
        cases.put("{\"log_id\":\"" + logId + "\",\"rating\":\"down\",\"reason\":\"half \\ud800 pair\"}",
                "bad_request: reason must not contain");
        cases.put(rating(logId, "down").put("categories", "wrong").encode(), "bad_request: categories must be an array");
        cases.put(rating(logId, "down").put("categories", new JsonArray().add(1)).encode(),
                "bad_request: categories must be an array of strings");
        cases.put(rating(logId, "down").put("categories", new JsonArray(List.of("a", "b", "c", "d", "e", "f", "g", "h",
                "i"))).encode(), "bad_request: categories must hold at most 8 values, got 9");
        cases.put(rating(logId, "down").put("categories", new JsonArray().add("Not A Tag")).encode(),
                "bad_request: each category must be");
        cases.put("[1]", "bad_request: the request must be a JSON object");
        cases.put("{\"log_id\":", "bad_request: invalid JSON");
        cases.put("", "bad_request: the request body is empty");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            HttpResponse<String> r = post("/v1/feedback", c.getKey(), ALICE);
            assertThat(r.statusCode()).as(c.getKey()).isEqualTo(400);
            assertThat(error(r)).as(c.getKey()).startsWith(c.getValue());
        }
        HttpResponse<String> big = post("/v1/feedback", rating(logId, "down").put("pad", "x".repeat(9000)).encode(),
                ALICE);
        assertThat(big.statusCode()).isEqualTo(413);
        assertThat(error(big)).isEqualTo("payload_too_large: the request body is larger than 8192 bytes");
        HttpResponse<String> form = post("/v1/feedback", "log_id=" + logId + "&rating=down", ALICE,
                "application/x-www-form-urlencoded");
        assertThat(form.statusCode()).isEqualTo(415);
        assertThat(record(logId).feedback()).isNull();

        assertThat(post("/v1/feedback", rating(logId, "down").encode(), ALICE).statusCode()).as("still works")
                .isEqualTo(200);
    }

    @Test
    void concurrentRatingsOfOneAnswerAllSucceedAndOneOfThemIsKeptWhole() throws Exception {
        String logId = ask(ALICE);
        ChatRecord before = record(logId);
        List<CompletableFuture<HttpResponse<String>>> sent = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            String body = rating(logId, i % 2 == 0 ? "up" : "down").put("reason", "take " + i).encode();
            sent.add(http.sendAsync(HttpRequest.newBuilder(URI.create(APP.get().baseUrl() + "v1/feedback"))
                    .header("content-type", "application/json").header("authorization", "Bearer " + ALICE)
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString()));
        }
        for (CompletableFuture<HttpResponse<String>> f : sent) {
            assertThat(f.get().statusCode()).isEqualTo(200);
        }
        ChatRecord after = record(logId);
        int take = Integer.parseInt(after.feedback().reason().substring("take ".length()));
        assertThat(after.feedback().rating()).isEqualTo(take % 2 == 0 ? Feedback.Rating.up : Feedback.Rating.down);
        assertThat(after.withFeedback(null)).isEqualTo(before);
    }

    @Test
    void overTheNativeSocketAFeedbackFrameIsAnsweredWithItsIdAndCountedInMetrics() throws Exception {
        double before = counted("ws_native", "down");
        try (WsSession alice = socket(ALICE); WsSession bob = socket(BOB)) {
            alice.send(new JsonObject().put("id", "q-1").put("messages", List.of(Map.of("role", "user",
                    "content", BookSocketE2ETest.QUESTION))));
            JsonObject end;
            do {
                end = alice.nextJson();
            } while (!end.getString("type").equals("end"));
            String logId = end.getString("log_id");

            bob.send(new JsonObject().put("type", "feedback").put("id", "f-bob").put("log_id", logId).put("rating", "up"));
            JsonObject refused = bob.nextJson();
            assertThat(refused.getString("type")).isEqualTo("error");
            assertThat(refused.getString("id")).isEqualTo("f-bob");
            assertThat(refused.getString("code")).isEqualTo("not_found");

            alice.send(new JsonObject().put("type", "feedback").put("id", "f-1").put("log_id", logId).put("rating", "sideways"));
            JsonObject bad = alice.nextJson();
            assertThat(bad.getString("id")).isEqualTo("f-1");
            assertThat(bad.getString("message")).isEqualTo("rating must be \"up\" or \"down\"");

            alice.send(new JsonObject().put("type", "feedback").put("id", "f-2").put("log_id", logId).put("rating", "down")
                    .put("categories", new JsonArray().add("incomplete")));
            assertThat(alice.nextJson()).isEqualTo(new JsonObject().put("type", "feedback").put("id", "f-2")
                    .put("log_id", logId).put("rating", "down").put("status", "recorded"));
            assertThat(record(logId).feedback().categories()).containsExactly("incomplete");
        }
        assertThat(counted("ws_native", "down")).isEqualTo(before + 1);
    }

    private WsSession socket(String key) throws Exception {
        return WsSession.connect(APP.get().clientVertx(), APP.get().port(),
                new WebSocketConnectOptions().setURI("/v1/chat").addSubProtocol("bearer." + key));
    }

    private double counted(String protocol, String rating) throws Exception {
        String metrics = http.send(HttpRequest.newBuilder(URI.create(APP.get().baseUrl() + "metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        Matcher m = Pattern.compile("(?m)^ragd_feedback_total\\{protocol=\"" + protocol + "\",rating=\"" + rating
                + "\"} (\\S+)$").matcher(metrics);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    @Test
    void withoutAuthenticationAnyoneWithTheLogIdRatesAndWithoutAChatLogRatingIsNotSupported() throws Exception {
        try (RunningApp open = RunningApp.start(Map.of())) {
            String logId = askAnonymously(open);
            assertThat(postTo(open, rating(logId, "up")).statusCode()).isEqualTo(200);
            assertThat(open.app().chatLog().get(logId).orElseThrow().feedback().rating()).isEqualTo(Feedback.Rating.up);
        }
        try (RunningApp none = RunningApp.start(Map.of("RAGD_CHATLOG", "none"))) {
            HttpResponse<String> r = postTo(none, rating(askAnonymously(none), "down"));
            assertThat(r.statusCode()).isEqualTo(501);
            assertThat(error(r)).isEqualTo("not_supported: RAGD_CHATLOG=none keeps no records, so it cannot keep feedback");
        }
    }

    private String askAnonymously(RunningApp app) throws Exception {
        String body = new JsonObject().put("stream", false).put("messages", List.of(Map.of("role", "user",
                "content", BookSocketE2ETest.QUESTION))).encode();
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(app.baseUrl() + "v1/chat"))
                .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        return new JsonObject(r.body()).getString("log_id");
    }

    private HttpResponse<String> postTo(RunningApp app, JsonObject body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(app.baseUrl() + "v1/feedback"))
                .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body.encode()))
                .build(), HttpResponse.BodyHandlers.ofString());
    }
}
