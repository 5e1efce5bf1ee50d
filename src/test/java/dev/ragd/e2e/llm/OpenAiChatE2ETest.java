package dev.ragd.e2e.llm;

import static dev.ragd.e2e.llm.LlmRig.KEY;
import static dev.ragd.e2e.llm.LlmRig.MODEL;
import static dev.ragd.e2e.llm.LlmRig.QUESTION;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ragd.chatlog.ChatRecord;
import dev.ragd.chatlog.SearchResult;
import dev.ragd.cli.RagdCli;
import dev.ragd.mock.MockRoute;
import dev.ragd.testsupport.WsSession;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A healthy OpenAI-compatible upstream (the mock) behind all three chat endpoints, with query
 * rewriting on: answers stream, are grounded in the retrieved passages and carry the model's usage;
 * a follow-up question is searched for as the model rewrote it. All log output since before the
 * app started is captured, to prove the API key never reaches it.
 */
class OpenAiChatE2ETest {

    private static final Pattern CITATION = Pattern.compile("\\[\\d+]");
    private static final Map<String, String> ENV = Map.of("RAGD_QUERY_REWRITE", "true");
    private static AppLog log;
    private static LlmRig rig;

    @BeforeAll
    static void start() throws Exception {
        log = AppLog.attach(); // from before the start: the startup log is checked for the key too
        rig = LlmRig.openAi(LlmRig.healthy(), ENV);
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (rig != null) {
                rig.close();
            }
        } finally {
            log.close();
        }
    }

    @BeforeEach
    void healthyMock() {
        rig.resetMock();
    }

    @Test
    void nativeSocketStreamsAGroundedCitedAnswerWithTheModelsUsageAndName() throws Exception {
        List<JsonObject> frames;
        try (WsSession ws = WsSession.connect(rig.app.clientVertx(), rig.app.port(), "/v1/chat")) {
            ws.send(Clients.request("llm-native", QUESTION));
            frames = Clients.untilDone(ws);
        }

        assertThat(frames.getFirst().getString("type")).isEqualTo("start");
        assertThat(frames.get(1).getString("type")).isEqualTo("sources");
        assertThat(frames.stream().filter(f -> "token".equals(f.getString("type")))).hasSizeGreaterThan(3);
        assertGroundedEnd(Clients.text(frames), frames.getLast(), "llm-native");
    }

    @Test
    void sseStreamsAGroundedCitedAnswerWithTheModelsUsageAndName() throws Exception {
        Clients.Reply reply = Clients.post(rig.app.port(), Clients.request("llm-sse", QUESTION));

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.contentType()).startsWith("text/event-stream");
        List<JsonObject> events = Clients.events(reply.body());
        assertThat(events.stream().filter(f -> "token".equals(f.getString("type")))).hasSizeGreaterThan(3);
        assertGroundedEnd(Clients.text(events), events.getLast(), "llm-sse");
    }

    @Test
    void bookSocketStreamsAGroundedCitedAnswerAndLogsTheModelsUsage() throws Exception {
        List<String> frames;
        short close;
        try (WsSession ws = WsSession.connect(rig.app.clientVertx(), rig.app.port(), "/")) {
            ws.send(Clients.bookRequest("book@example.org", QUESTION));
            frames = ws.readUntilClosed();
            close = ws.closeCode;
        }

        assertThat(close).isEqualTo((short) 1000);
        String uuid = new JsonObject(frames.getFirst()).getJsonObject("content").getString("uuid");
        StringBuilder answer = new StringBuilder();
        for (String raw : frames.subList(1, frames.size())) {
            JsonObject frame = new JsonObject(raw);
            assertThat(frame.getString("type")).isEqualTo("stream");
            answer.append(frame.getJsonObject("content").getString("content"));
        }
        assertThat(frames.size() - 1).as("streamed in several tokens").isGreaterThan(3);
        assertGrounded(answer.toString());
        ChatRecord record = rig.record(uuid);
        assertThat(record.status()).isEqualTo(ChatRecord.Status.completed);
        assertThat(record.finalAnswer()).isEqualTo(answer.toString());
        assertThat(record.model()).isEqualTo(MODEL);
        assertThat(record.promptTokens()).isPositive();
        assertThat(record.completionTokens()).isPositive();
    }

    private static void assertGroundedEnd(String answer, JsonObject end, String id) throws InterruptedException {
        assertGrounded(answer);
        assertThat(end.getString("type")).as("%s", end).isEqualTo("end");
        assertThat(end.getString("model")).isEqualTo(MODEL);
        assertThat(end.getJsonObject("answerer").getBoolean("language_model")).isTrue();
        JsonObject timings = end.getJsonObject("timings");
        assertThat(timings.getInteger("prompt_tokens")).as("usage from the model").isGreaterThan(50);
        assertThat(timings.getInteger("completion_tokens")).isPositive();
        ChatRecord record = rig.record(id);
        assertThat(record.finalAnswer()).isEqualTo(answer);
        assertThat(record.promptTokens()).isEqualTo(timings.getInteger("prompt_tokens"));
        assertThat(record.completionTokens()).isEqualTo(timings.getInteger("completion_tokens"));
        String prompt = rig.mock.lastRequest(MockRoute.CHAT).orElseThrow().body();
        assertThat(new JsonObject(prompt).getBoolean("stream")).isTrue();
        assertThat(prompt).as("the retrieved passage was in the prompt").contains("5 years");
    }

    private static void assertGrounded(String answer) {
        assertThat(answer).contains("5 years");
        assertThat(CITATION.matcher(answer).find()).as("cites a passage: %s", answer).isTrue();
    }

    @Test
    void aFollowUpIsSearchedForAsTheModelRewroteItAndTheRewriteIsLogged() throws Exception {
        JsonArray messages = new JsonArray()
                .add(new JsonObject().put("role", "user").put("content", QUESTION))
                .add(new JsonObject().put("role", "assistant").put("content", "The Cinder Kettle has a 5 years warranty [1]."))
                .add(new JsonObject().put("role", "user").put("content", "And how much does it cost?"));
        List<JsonObject> frames;
        try (WsSession ws = WsSession.connect(rig.app.clientVertx(), rig.app.port(), "/v1/chat")) {
            ws.send(new JsonObject().put("id", "llm-follow-up").put("messages", messages));
            frames = Clients.untilDone(ws);
        }

        assertThat(frames.getLast().getString("type")).as("%s", frames).isEqualTo("end");
        ChatRecord record = rig.record("llm-follow-up");
        List<String> queries = record.agentsSearchResults().stream().map(SearchResult::query).toList();
        assertThat(queries).isNotEmpty().doesNotContain("And how much does it cost?");
        assertThat(queries).anySatisfy(q -> assertThat(q.toLowerCase(Locale.ROOT)).contains("cost"))
                .anySatisfy(q -> assertThat(q.toLowerCase(Locale.ROOT)).containsAnyOf("cinder", "kettle"));
        assertThat(record.agentsSearchResults().stream().flatMap(s -> s.hits().stream()).map(SearchResult.Hit::docId))
                .contains("K-103");
        assertThat(rig.stats().requests()).as("one rewrite call and one answer").isEqualTo(2);
        assertThat(rig.stats().status(200)).isEqualTo(2);
        JsonObject answerRequest = new JsonObject(rig.mock.lastRequest(MockRoute.CHAT).orElseThrow().body());
        assertThat(answerRequest.getBoolean("stream")).isTrue();
        assertThat(answerRequest.encode()).contains("And how much does it cost?");
    }

    @Test
    void theApiKeyReachesTheUpstreamButNoLogLineNorRagdConfigEvenWhenTheUpstreamRefusesIt(@TempDir Path dir)
            throws Exception {
        List<JsonObject> answered;
        List<JsonObject> refused;
        try (WsSession ws = WsSession.connect(rig.app.clientVertx(), rig.app.port(), "/v1/chat")) {
            ws.send(Clients.request("key-ok", QUESTION));
            answered = Clients.untilDone(ws);
            rig.mock.reconfigure(LlmRig.healthy().withApiKey("sk-the-only-key-the-mock-accepts"));
            ws.send(Clients.request("key-refused", QUESTION));
            refused = Clients.untilDone(ws);
        }
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Map<String, String> env = new HashMap<>(ENV);
        env.putAll(Map.of("RAGD_LLM", "openai", "OPENAI_API_KEY", KEY, "RAGD_DATA_DIR", dir.toString()));
        int exit = RagdCli.run(new PrintWriter(out), new PrintWriter(err), new String[] {"config"}, env, dir);

        assertThat(answered.getLast().getString("type")).as("%s", answered).isEqualTo("end");
        JsonObject error = refused.getLast();
        assertThat(error.getString("code")).as("%s", refused).isEqualTo("upstream_auth");
        assertThat(error.getBoolean("retryable")).isFalse();
        assertThat(rig.stats().status(401)).as("the rewrite call and the answer call were refused").isEqualTo(2);
        assertThat(rig.mock.lastRequest(MockRoute.CHAT).orElseThrow().header("authorization"))
                .as("the key was really sent upstream").isEqualTo("Bearer " + KEY);
        String logged = log.text();
        assertThat(logged).contains("effective configuration").contains("\"OPENAI_API_KEY\":\"****\"");
        assertThat(logged).as("the refusal was logged").contains("key-refused").contains("AUTH").contains("401");
        assertThat(logged).doesNotContain(KEY).doesNotContain(KEY.substring(4, KEY.length() - 4));
        assertThat(logged).as("not even the upstream's masked echo of the key, from either client")
                .doesNotContain("Incorrect API key provided: sk-");
        assertThat(exit).isZero();
        assertThat(out.toString()).contains("OPENAI_API_KEY").contains("****").doesNotContain(KEY);
        assertThat(err.toString()).doesNotContain(KEY);
    }
}
