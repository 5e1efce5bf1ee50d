package dev.ragd.mock;

import static dev.ragd.mock.MockFixture.BEARER;
import static dev.ragd.mock.MockFixture.chat;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MockLlmServerTest {

    private static final String SOURCES = "[1] Title: Basil\nBasil likes warm soil. Water basil in the morning.";
    private static final String AZURE_CHAT = "/openai/deployments/gpt4o/chat/completions";
    private MockFixture f;

    @BeforeEach
    void start() throws Exception {
        f = new MockFixture(MockLlmOptions.defaults());
    }

    @AfterEach
    void stop() throws Exception {
        f.close();
    }

    @Test
    void nonStreamingAnswerIsAChatCompletionWithUsage() throws Exception {
        MockFixture.Reply r = f.post("/v1/chat/completions", BEARER, chat(false, false, "When to water basil?", SOURCES));

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.headers().get("content-type")).isEqualTo("application/json");
        JsonObject body = r.json();
        assertThat(body.getString("object")).isEqualTo("chat.completion");
        assertThat(body.getString("id")).startsWith("chatcmpl-");
        assertThat(body.getString("model")).isEqualTo("gpt-4o-mini");
        JsonObject choice = body.getJsonArray("choices").getJsonObject(0);
        assertThat(choice.getInteger("index")).isZero();
        assertThat(choice.getJsonObject("message").getString("role")).isEqualTo("assistant");
        assertThat(choice.getJsonObject("message").getString("content"))
                .isEqualTo("Basil likes warm soil [1]. Water basil in the morning [1].");
        assertThat(choice.getString("finish_reason")).isEqualTo("stop");
        JsonObject usage = body.getJsonObject("usage");
        assertThat(usage.getInteger("completion_tokens")).isEqualTo(11);
        assertThat(usage.getInteger("total_tokens")).isEqualTo(usage.getInteger("prompt_tokens") + 11);
    }

    @Test
    void maxTokensCutsTheAnswerWithFinishReasonLength() throws Exception {
        JsonObject request = new JsonObject(chat(false, false, "When to water basil?", SOURCES)).put("max_tokens", 3);

        JsonObject body = f.post("/v1/chat/completions", BEARER, request.encode()).json();

        JsonObject choice = body.getJsonArray("choices").getJsonObject(0);
        assertThat(choice.getJsonObject("message").getString("content")).isEqualTo("Basil likes warm");
        assertThat(choice.getString("finish_reason")).isEqualTo("length");
    }

    @Test
    void openAiRoutesRefuseRequestsWithoutBearerKey() throws Exception {
        MockFixture.Reply r = f.post("/v1/chat/completions", Map.of("authorization", "Bearer "), chat(false, false, "hi"));

        assertThat(r.status()).isEqualTo(401);
        JsonObject error = r.json().getJsonObject("error");
        assertThat(error.fieldNames()).containsExactlyInAnyOrder("message", "type", "param", "code");
        assertThat(error.getString("type")).isEqualTo("invalid_request_error");
        assertThat(f.get("/v1/models", Map.of()).status()).isEqualTo(401);
    }

    @Test
    void badRequestsGetOpenAiShapedErrorsNamingTheParameter() throws Exception {
        MockFixture.Reply noMessages = f.post("/v1/chat/completions", BEARER, "{\"model\":\"m\"}");
        MockFixture.Reply notJson = f.post("/v1/chat/completions", BEARER, "{oops");
        MockFixture.Reply unknown = f.post("/v1/completions", BEARER, "{}");
        MockFixture.Reply badStreamOptions = f.post("/v1/chat/completions", BEARER,
                new JsonObject(chat(true, false, "hi")).put("stream_options", "yes").encode());

        assertThat(noMessages.status()).isEqualTo(400);
        assertThat(noMessages.json().getJsonObject("error").getString("param")).isEqualTo("messages");
        assertThat(notJson.status()).isEqualTo(400);
        assertThat(notJson.json().getJsonObject("error").getString("message")).contains("could not parse the JSON body");
        assertThat(badStreamOptions.status()).isEqualTo(400);
        assertThat(badStreamOptions.json().getJsonObject("error").getString("param")).isEqualTo("stream_options");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.json().getJsonObject("error").getString("message")).isEqualTo("Invalid URL (POST /v1/completions)");
    }

    @Test
    void azureChatAnswersWithTheDeploymentAsModelAndRecordsTheRequest() throws Exception {
        MockFixture.Reply r = f.post(AZURE_CHAT + "?api-version=2024-10-21", Map.of("api-key", "azure-secret"),
                chat(false, false, "When to water basil?", SOURCES));

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().getString("model")).isEqualTo("gpt4o");
        assertThat(r.json().getJsonArray("prompt_filter_results")).hasSize(1);
        assertThat(r.headers().get("apim-request-id")).isNotBlank();
        RecordedRequest recorded = f.server.lastRequest(MockRoute.AZURE_CHAT).orElseThrow();
        assertThat(recorded.uri()).isEqualTo(AZURE_CHAT + "?api-version=2024-10-21");
        assertThat(recorded.header("API-Key")).isEqualTo("azure-secret");
        assertThat(new JsonObject(recorded.body()).getJsonArray("messages")).hasSize(2);
        assertThat(recorded.toString()).doesNotContain("azure-secret").contains("<redacted>");
        assertThat(f.server.lastRequest(MockRoute.CHAT)).isEmpty();
    }

    @Test
    void azureRefusesAMissingKeyWith401AndAMissingApiVersionWith400() throws Exception {
        MockFixture.Reply noKey = f.post(AZURE_CHAT + "?api-version=2024-10-21", Map.of(), chat(false, false, "hi"));
        MockFixture.Reply noVersion = f.post(AZURE_CHAT, Map.of("api-key", "k"), chat(false, false, "hi"));

        assertThat(noKey.status()).isEqualTo(401);
        assertThat(noKey.json().getJsonObject("error").getString("code")).isEqualTo("401");
        assertThat(noVersion.status()).isEqualTo(400);
        assertThat(noVersion.json().getJsonObject("error").getString("message")).contains("api-version");
        assertThat(f.server.stats().status(401)).isEqualTo(1);
        assertThat(f.server.stats().status(400)).isEqualTo(1);
    }

    @Test
    void embeddingsAreDeterministicHonourDimensionsAndKeepInputOrder() throws Exception {
        String body = new JsonObject().put("model", "text-embedding-3-small").put("dimensions", 64)
                .put("input", new JsonArray().add("tomatoes need sun").add("basil likes warm soil")).encode();

        JsonObject first = f.post("/v1/embeddings", BEARER, body).json();
        JsonObject again = f.post("/v1/embeddings", BEARER, body).json();

        assertThat(first.getString("object")).isEqualTo("list");
        assertThat(first.getString("model")).isEqualTo("text-embedding-3-small");
        JsonArray data = first.getJsonArray("data");
        assertThat(data).hasSize(2);
        assertThat(data.getJsonObject(1).getString("object")).isEqualTo("embedding");
        assertThat(data.getJsonObject(1).getInteger("index")).isEqualTo(1);
        assertThat(data.getJsonObject(0).getJsonArray("embedding")).hasSize(64);
        assertThat(again).isEqualTo(first);
        float[] expected = MockEmbeddings.embed("basil likes warm soil", 64);
        assertThat(data.getJsonObject(1).getJsonArray("embedding").getDouble(5)).isEqualTo((double) expected[5]);
        assertThat(first.getJsonObject("usage").getInteger("prompt_tokens")).isEqualTo(7);
    }

    @Test
    void embeddingsDefaultTo1536DimensionsAndServeTheAzureRouteAndBase64() throws Exception {
        String body = new JsonObject().put("input", "tomatoes").put("encoding_format", "base64").encode();

        JsonObject azure = f.post("/openai/deployments/emb/embeddings?api-version=2024-10-21", Map.of("api-key", "k"), body).json();
        JsonObject openAi = f.post("/v1/embeddings", BEARER, new JsonObject().put("model", "e").put("input", "tomatoes").encode()).json();

        assertThat(azure.getJsonArray("data").getJsonObject(0).getString("embedding"))
                .isEqualTo(MockEmbeddings.base64(MockEmbeddings.embed("tomatoes", 1536)));
        assertThat(openAi.getJsonArray("data").getJsonObject(0).getJsonArray("embedding")).hasSize(1536);
    }

    @Test
    void embeddingsRejectBadDimensionsAndEmptyInput() throws Exception {
        MockFixture.Reply zeroDims = f.post("/v1/embeddings", BEARER, "{\"model\":\"e\",\"input\":\"x\",\"dimensions\":0}");
        MockFixture.Reply empty = f.post("/v1/embeddings", BEARER, "{\"model\":\"e\",\"input\":\"\"}");

        assertThat(zeroDims.status()).isEqualTo(400);
        assertThat(zeroDims.json().getJsonObject("error").getString("param")).isEqualTo("dimensions");
        assertThat(empty.status()).isEqualTo(400);
        assertThat(empty.json().getJsonObject("error").getString("param")).isEqualTo("input");
    }

    @Test
    void modelsListsChatAndEmbeddingModels() throws Exception {
        JsonObject models = f.get("/v1/models", Map.of("authorization", "Bearer k")).json();

        assertThat(models.getString("object")).isEqualTo("list");
        assertThat(models.getJsonArray("data").getJsonObject(0).getString("object")).isEqualTo("model");
    }

    @Test
    void statsEndpointMirrorsTheCountersAndResetZeroesThem() throws Exception {
        f.post("/v1/chat/completions", BEARER, chat(true, false, "When to water basil?", SOURCES));
        f.post("/v1/chat/completions", Map.of(), chat(false, false, "hi"));

        JsonObject stats = f.get("/mock/stats", Map.of()).json();

        assertThat(stats.getLong("requests")).isEqualTo(2);
        assertThat(stats.getJsonObject("by_status").getMap()).containsEntry("200", 1).containsEntry("401", 1);
        assertThat(stats.getLong("tokens_sent")).isEqualTo(11);
        assertThat(stats.getLong("max_open_streams")).isEqualTo(1);
        assertThat(stats).isEqualTo(f.server.stats().toJson());

        assertThat(f.post("/mock/reset", Map.of(), "").status()).isEqualTo(204);

        assertThat(f.server.stats().requests()).isZero();
        assertThat(f.server.stats().byStatus()).isEmpty();
        assertThat(f.server.lastRequest(MockRoute.CHAT)).isEmpty();
    }

    @Test
    void lastRequestEndpointReplaysTheLastChatBodyWithoutHeaders() throws Exception {
        assertThat(f.get("/mock/last-request/chat", Map.of()).status()).isEqualTo(404);
        String body = chat(true, false, "When to water basil?", SOURCES);
        f.post("/v1/chat/completions", BEARER, body);

        MockFixture.Reply r = f.get("/mock/last-request/chat", Map.of());

        assertThat(r.status()).isEqualTo(200);
        JsonObject last = r.json();
        assertThat(last.getString("method")).isEqualTo("POST");
        assertThat(last.getString("uri")).isEqualTo("/v1/chat/completions");
        assertThat(last.getString("body")).isEqualTo(body);
        assertThat(r.body()).doesNotContain("sk-test");
        MockFixture.Reply unknown = f.get("/mock/last-request/teapot", Map.of());
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.body()).contains("no route teapot").contains("chat");
    }

    @Test
    void aSingleEventLoopServerAnswersOnAnEphemeralPort() throws Exception {
        try (MockFixture one = new MockFixture(MockLlmOptions.defaults().withEventLoops(1))) {
            MockFixture.Reply r = one.post("/v1/chat/completions", BEARER, chat(true, false, "When to water basil?", SOURCES));

            assertThat(one.server.port()).isPositive();
            assertThat(r.chunks()).hasSizeGreaterThan(2);
        }
    }
}
