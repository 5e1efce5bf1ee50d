package dev.ragd.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ragd.chatlog.ChatRecord;
import dev.ragd.chatlog.SearchResult;
import dev.ragd.cli.RagdCli;
import dev.ragd.testsupport.Await;
import dev.ragd.testsupport.RunningApp;
import dev.ragd.testsupport.TestIssuer;
import dev.ragd.testsupport.WsSession;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code RAGD_ENFORCE_ACCESS=true} with tokens from a local issuer, for every retriever that applies
 * access lists: five records about one subject with overlapping access lists, ingested by
 * {@code ragd ingest}; each user, on every protocol, is answered from (and cites) only the records
 * their name or groups allow, and a record with no list reaches nobody. A subclass says where the
 * records go ({@link #retrieverEnv}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AccessListsContract {

    static final String QUESTION = "What is the Orion launch code?";
    /** alice (sales) may see a, c, d; bob (eng) b, c, d; carol (no groups) d; e nobody. */
    static final Map<String, Set<String>> SEES = Map.of("alice", Set.of("a", "c", "d"), "bob", Set.of("b", "c", "d"),
            "carol", Set.of("d"));

    private Path work;
    private TestIssuer issuer;
    protected RunningApp app;
    private final HttpClient http = HttpClient.newHttpClient();

    /**
     * The settings that make both {@code ragd ingest} and the server use this retriever (the
     * embedded index: none beyond the data dir).
     */
    protected abstract Map<String, String> retrieverEnv() throws Exception;

    /** What the retriever was asked, to check the access narrowing reached it; the embedded index: nothing. */
    protected void searchedAs(String user) {}

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        work = dir;
        issuer = new TestIssuer();
        Files.writeString(work.resolve("orion.jsonl"), String.join("\n",
                record("a", "{\"allowed_users\":[\"alice\"]}", "Orion launch code for finance is ALPHA-1."),
                record("b", "{\"allowed_groups\":\"eng\"}", "Orion launch code for engineering is BRAVO-2."),
                record("c", "{\"allowed_groups\":[\"eng\",\"sales\"]}", "Orion launch code for the field is CHARLIE-3."),
                record("d", "{\"allowed_groups\":[\"*\"]}", "Orion launch code for everyone is DELTA-4."),
                record("e", "{}", "Orion launch code for the board is ECHO-5.")) + "\n");
        Path data = work.resolve("data");
        Map<String, String> target = new HashMap<>(retrieverEnv());
        target.put("RAGD_DATA_DIR", data.toString());
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        List<String> args = new java.util.ArrayList<>(List.of("ingest", "orion.jsonl"));
        if (target.containsKey("RAGD_RETRIEVER")) {
            args.addAll(List.of("--target", target.get("RAGD_RETRIEVER")));
        }
        int code = RagdCli.run(new PrintWriter(out, true), new PrintWriter(err, true), args.toArray(String[]::new),
                target, work);
        assertThat(code).as(err.toString()).isZero();
        Map<String, String> env = new HashMap<>(target);
        env.putAll(Map.of("RAGD_DATA_DIR", data.toString(), "RAGD_AUTH", "jwt",
                "RAGD_JWT_ISSUER", TestIssuer.ISSUER, "RAGD_JWT_AUDIENCE", TestIssuer.AUDIENCE,
                "RAGD_JWT_JWKS_URL", issuer.jwksUrl(), "RAGD_ENFORCE_ACCESS", "true", "RAGD_TOP_K", "10",
                "RAGD_MIN_RELEVANCE", "0", "RAGD_QUERY_REWRITE", "false"));
        app = RunningApp.start(env);
    }

    @AfterAll
    void stop() throws Exception {
        if (app != null) {
            app.close();
        }
        if (issuer != null) {
            issuer.close();
        }
    }

    static String record(String id, String acl, String text) {
        JsonObject o = new JsonObject(acl).put("id", id).put("title", "Orion " + id).put("text", text);
        return o.encode();
    }

    private String token(String user) throws Exception {
        List<String> groups = switch (user) {
            case "alice" -> List.of("sales");
            case "bob" -> List.of("eng");
            default -> List.of();
        };
        return issuer.token(user, groups);
    }

    private Set<String> retrieved(String logId) throws Exception {
        Await.until(() -> app.record(logId).isPresent());
        ChatRecord r = app.record(logId).orElseThrow();
        Set<String> docs = new TreeSet<>();
        for (SearchResult s : r.agentsSearchResults()) {
            s.hits().forEach(h -> docs.add(h.docId()));
        }
        return docs;
    }

    private static String chatBody() {
        return new JsonObject().put("stream", false)
                .put("messages", List.of(Map.of("role", "user", "content", QUESTION))).encode();
    }

    @Test
    void overHttpEachUserIsAnsweredFromAndCitesOnlyTheRecordsTheyMaySee() throws Exception {
        for (var who : SEES.entrySet()) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(app.baseUrl() + "v1/chat"))
                    .timeout(Duration.ofSeconds(20)).header("content-type", "application/json")
                    .header("authorization", "Bearer " + token(who.getKey()))
                    .POST(HttpRequest.BodyPublishers.ofString(chatBody())).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            JsonObject body = new JsonObject(r.body());
            Set<String> cited = new TreeSet<>();
            for (Object s : body.getJsonArray("sources", new JsonArray())) {
                cited.add(((JsonObject) s).getString("doc_id"));
            }
            assertThat(cited).as("sources for %s", who.getKey()).isSubsetOf(who.getValue()).isNotEmpty();
            assertThat(retrieved(body.getString("log_id"))).as("retrieved for %s", who.getKey())
                    .isEqualTo(new TreeSet<>(who.getValue()));
            assertThat(body.getString("answer")).doesNotContain("ECHO-5");
            searchedAs(who.getKey());
        }
    }

    @Test
    void onTheNativeSocketEachUserRetrievesOnlyTheirRecords() throws Exception {
        for (var who : SEES.entrySet()) {
            try (WsSession ws = WsSession.connect(app.clientVertx(), app.port(), new WebSocketConnectOptions()
                    .setURI("/v1/chat").addSubProtocol("ragd").addSubProtocol("bearer." + token(who.getKey())))) {
                ws.send(new JsonObject(chatBody()).put("id", "q"));
                JsonObject answer = ws.nextJson();
                assertThat(answer.getString("type")).isEqualTo("answer");
                assertThat(retrieved(answer.getString("log_id"))).as(who.getKey()).isEqualTo(new TreeSet<>(who.getValue()));
                searchedAs(who.getKey());
            }
        }
    }

    @Test
    void onTheBookSocketEachUserRetrievesOnlyTheirRecords() throws Exception {
        for (var who : SEES.entrySet()) {
            try (WsSession ws = WsSession.connect(app.clientVertx(), app.port(), new WebSocketConnectOptions()
                    .setURI("/").addSubProtocol("bearer." + token(who.getKey())))) {
                ws.send(BookSocketE2ETest.bookRequest("spoofed@example.org", QUESTION));
                List<String> frames = ws.readUntilClosed();
                Matcher first = BookSocketE2ETest.PRINT_FRAME.matcher(frames.getFirst());
                assertThat(first.matches()).isTrue();
                String text = String.join("", frames);
                assertThat(text).doesNotContain("ECHO-5");
                assertThat(retrieved(first.group(1))).as(who.getKey()).isEqualTo(new TreeSet<>(who.getValue()));
                searchedAs(who.getKey());
            }
        }
    }
}
