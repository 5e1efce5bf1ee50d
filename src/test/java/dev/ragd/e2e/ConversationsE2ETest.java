package dev.ragd.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ragd.testsupport.RunningApp;
import dev.ragd.testsupport.WsSession;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The conversation routes against the real app (its default chat log, API keys): each identity
 * lists, reads and deletes only its own conversations; another user's is a 404 like a missing one;
 * pages continue by {@code next}; bad parameters, a missing credential and another site's page are
 * refused with the error named.
 */
class ConversationsE2ETest {

    static final String ALICE = "sk-alice-convo-3c9e1f5a7b";
    static final String BOB = "sk-bob-convo-6e2a8d4c1f90";
    static RunningApp app;
    static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        app = RunningApp.start(Map.of("RAGD_AUTH", "api-key", "RAGD_API_KEYS", "alice=" + ALICE + ",bob=" + BOB,
                "RAGD_HISTORY_MESSAGES", "8"));
    }

    @AfterAll
    static void stop() throws Exception {
        app.close();
    }

    /** Asks {@code question} as {@code key}, in {@code conversation} (null: a new one); returns the last frame with the text. */
    static JsonObject ask(String key, String question, String conversation) throws Exception {
        try (WsSession s = WsSession.connect(app.clientVertx(), app.port(), new WebSocketConnectOptions()
                .setURI("/v1/chat").addSubProtocol("bearer." + key))) {
            JsonObject req = NativeSocketE2ETest.request("q", question);
            if (conversation != null) {
                req.put("conversation_id", conversation);
            }
            s.send(req);
            List<JsonObject> frames = s.framesOf("q", 10_000);
            StringBuilder text = new StringBuilder();
            frames.stream().filter(f -> f.getString("type").equals("token")).forEach(f -> text.append(f.getString("text")));
            return frames.getLast().copy().put("text", text.toString());
        }
    }

    static HttpResponse<String> call(String method, String path, String key, String origin) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(app.baseUrl() + path.substring(1)))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (key != null) {
            b.header("authorization", "Bearer " + key);
        }
        if (origin != null) {
            b.header("origin", origin);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static JsonObject json(String method, String path, String key, int status) throws Exception {
        HttpResponse<String> r = call(method, path, key, null);
        assertThat(r.statusCode()).as("%s %s: %s", method, path, r.body()).isEqualTo(status);
        return new JsonObject(r.body());
    }

    /** The error object of a refused call. */
    static JsonObject error(String method, String path, String key, int status) throws Exception {
        return json(method, path, key, status).getJsonObject("error");
    }

    @Test
    void eachIdentityListsReadsAndDeletesOnlyItsOwnConversations() throws Exception {
        JsonObject first = ask(ALICE, BookSocketE2ETest.QUESTION, null);
        String warranty = first.getString("conversation_id");
        JsonObject second = ask(ALICE, "And how long does it last?", warranty);
        String other = ask(ALICE, "What is the return policy?", null).getString("conversation_id");
        String bobs = ask(BOB, "Where is my order?", null).getString("conversation_id");
        assertThat(second.getString("conversation_id")).isEqualTo(warranty);

        JsonArray listed = json("GET", "/v1/conversations", ALICE, 200).getJsonArray("conversations");
        assertThat(listed.stream().map(o -> ((JsonObject) o).getString("conversation_id")))
                .containsExactly(other, warranty);
        assertThat(listed.getJsonObject(1).getString("title")).isEqualTo(BookSocketE2ETest.QUESTION.strip());
        JsonObject page1 = json("GET", "/v1/conversations?limit=1", ALICE, 200);
        assertThat(page1.getString("next")).isEqualTo(other);
        JsonObject page2 = json("GET", "/v1/conversations?limit=1&after=" + other, ALICE, 200);
        assertThat(page2.getJsonArray("conversations").getJsonObject(0).getString("conversation_id")).isEqualTo(warranty);
        assertThat(page2.getValue("next")).isNull();
        assertThat(json("GET", "/v1/conversations", BOB, 200).getJsonArray("conversations").stream()
                .map(o -> ((JsonObject) o).getString("conversation_id"))).containsExactly(bobs);

        JsonObject turns = json("GET", "/v1/conversations/" + warranty, ALICE, 200);
        assertThat(turns.getJsonArray("turns").stream().map(o -> ((JsonObject) o).getString("question")))
                .containsExactly(BookSocketE2ETest.QUESTION, "And how long does it last?");
        assertThat(turns.getJsonArray("turns").getJsonObject(1).getString("answer")).isEqualTo(second.getString("text"))
                .isNotBlank();
        assertThat(turns.getBoolean("more")).isFalse();
        assertThat(json("GET", "/v1/conversations/" + warranty + "?limit=1", ALICE, 200).getBoolean("more")).isTrue();

        assertThat(error("GET", "/v1/conversations/" + warranty, BOB, 404).getString("code")).isEqualTo("not_found");
        assertThat(error("DELETE", "/v1/conversations/" + warranty, BOB, 404).getString("code")).isEqualTo("not_found");
        assertThat(ask(BOB, "Tell me more", warranty).getString("code")).as("continued by another").isEqualTo("not_found");
        assertThat(json("DELETE", "/v1/conversations/" + warranty, ALICE, 200).getLong("deleted")).isEqualTo(2);
        assertThat(error("GET", "/v1/conversations/" + warranty, ALICE, 404).getString("code")).isEqualTo("not_found");
        assertThat(json("GET", "/v1/conversations", ALICE, 200).getJsonArray("conversations").size()).isEqualTo(1);
    }

    @Test
    void withHashedEmailsTheListPagesOnAndBobStillSeesNoneOfAlices() throws Exception {
        RunningApp hashed = RunningApp.start(Map.of("RAGD_AUTH", "api-key", "RAGD_API_KEYS", "alice=" + ALICE + ",bob=" + BOB,
                "RAGD_HASH_EMAIL", "true"));
        RunningApp plain = app;
        app = hashed;
        try {
            String older = ask(ALICE, "What is the return policy?", null).getString("conversation_id");
            String newer = ask(ALICE, BookSocketE2ETest.QUESTION, null).getString("conversation_id");

            JsonObject page1 = json("GET", "/v1/conversations?limit=1", ALICE, 200);
            assertThat(page1.getString("next")).isEqualTo(newer);
            JsonObject page2 = json("GET", "/v1/conversations?limit=1&after=" + newer, ALICE, 200);
            assertThat(page2.getJsonArray("conversations").getJsonObject(0).getString("conversation_id")).isEqualTo(older);
            assertThat(json("GET", "/v1/conversations", BOB, 200).getJsonArray("conversations")).isEmpty();
            assertThat(error("GET", "/v1/conversations?after=" + newer, BOB, 400).getString("message")).contains("after");
            assertThat(ask(ALICE, "And how long does it last?", newer).getString("type")).isEqualTo("end");
        } finally {
            app = plain;
            hashed.close();
        }
    }

    @Test
    void badParametersAMissingCredentialAndAnotherSitesPageAreRefusedByName() throws Exception {
        assertThat(error("GET", "/v1/conversations?limit=0", ALICE, 400).getString("message")).contains("limit");
        assertThat(error("GET", "/v1/conversations?limit=abc", ALICE, 400).getString("message")).contains("limit");
        assertThat(error("GET", "/v1/conversations?after=no-such-one", ALICE, 400).getString("message")).contains("after");
        assertThat(error("GET", "/v1/conversations?after=%3Cscript%3E", ALICE, 400).getString("message")).contains("after");
        assertThat(error("GET", "/v1/conversations/has%20space", ALICE, 400).getString("code")).isEqualTo("bad_request");
        assertThat(call("GET", "/v1/conversations", null, null).statusCode()).isEqualTo(401);
        HttpResponse<String> crossSite = call("DELETE", "/v1/conversations/x", ALICE, "https://evil.example");
        assertThat(crossSite.statusCode()).isEqualTo(403);
        assertThat(new JsonObject(crossSite.body()).getJsonObject("error").getString("code")).isEqualTo("origin_not_allowed");
    }
}
