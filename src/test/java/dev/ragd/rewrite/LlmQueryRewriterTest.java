package dev.ragd.rewrite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ragd.config.Env;
import dev.ragd.config.LlmConfig;
import dev.ragd.llm.Message;
import dev.ragd.testsupport.OpenAiTestServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LlmQueryRewriterTest {

    private static final List<Message> HISTORY = List.of(
            Message.user("user_question: How much does the Ember Kettle cost?"),
            Message.assistant("The Ember Kettle costs $49 [1]."));

    private OpenAiTestServer upstream;

    @BeforeEach
    void setUp() {
        upstream = OpenAiTestServer.start();
    }

    @AfterEach
    void tearDown() {
        upstream.close();
    }

    private LlmConfig openAi(Map<String, String> extra) {
        Map<String, String> env = new java.util.HashMap<>(Map.of("RAGD_LLM", "openai",
                "OPENAI_BASE_URL", upstream.url() + "/v1", "OPENAI_API_KEY", "sk-test", "RAGD_LLM_MODEL", "gpt-test"));
        env.putAll(extra);
        return LlmConfig.from(new Env(env));
    }

    @Test
    void sendsHistoryAndQuestionToTheOpenAiChatModelAndParsesTheQueries() {
        upstream.answering("1. Ember Kettle warranty\n2. Ember Kettle guarantee period\n3. Ember Kettle warranty\n4. x");
        QueryRewriter rewriter = QueryRewriters.create(openAi(Map.of()));

        List<String> queries = rewriter.rewrite("And how long is its warranty?", HISTORY);

        assertThat(queries).containsExactly("Ember Kettle warranty", "Ember Kettle guarantee period", "x");
        assertThat(rewriter.name()).isEqualTo("llm:gpt-test");
        OpenAiTestServer.Received r = upstream.requests.getFirst();
        assertThat(r.path()).isEqualTo("/v1/chat/completions");
        assertThat(r.authorization()).isEqualTo("Bearer sk-test");
        assertThat(r.body().getString("model")).isEqualTo("gpt-test");
        assertThat(r.body().getBoolean("stream", false)).isFalse();
        var messages = r.body().getJsonArray("messages");
        assertThat(messages.getJsonObject(0).getString("role")).isEqualTo("system");
        assertThat(messages.getJsonObject(0).getString("content")).contains("1 to 3 standalone search queries");
        String user = messages.getJsonObject(1).getString("content");
        assertThat(user).contains("User: How much does the Ember Kettle cost?")
                .contains("Assistant: The Ember Kettle costs $49 [1].")
                .endsWith("New question: And how long is its warranty?")
                .doesNotContain("user_question:");
    }

    @Test
    void capsQueriesAtTheConfiguredMaximum() {
        upstream.answering("a\nb\nc");

        List<String> queries = QueryRewriters.create(openAi(Map.of("RAGD_MAX_QUERIES", "2"))).rewrite("q", HISTORY);

        assertThat(queries).containsExactly("a", "b");
    }

    @Test
    void fallsBackToTheQuestionWhenTheModelFails() {
        upstream.failingWith(500);

        List<String> queries = QueryRewriters.create(openAi(Map.of())).rewrite("And its warranty?", HISTORY);

        assertThat(queries).containsExactly("And its warranty?");
        assertThat(upstream.requests).hasSize(1); // no retries: rewriting is best effort
    }

    @Test
    void fallsBackToTheQuestionWhenTheModelIsTooSlow() {
        upstream.answering("late query").delaying(3_000);

        List<String> queries = QueryRewriters.create(openAi(Map.of()), Duration.ofMillis(300))
                .rewrite("And its warranty?", HISTORY);

        assertThat(queries).containsExactly("And its warranty?");
    }

    @Test
    void fallsBackToTheQuestionWhenNothingListens() {
        int port = upstream.port();
        upstream.close();
        upstream = OpenAiTestServer.start();
        LlmConfig config = LlmConfig.from(new Env(Map.of("RAGD_LLM", "openai",
                "OPENAI_BASE_URL", "http://127.0.0.1:" + port + "/v1", "OPENAI_API_KEY", "k")));

        assertThat(QueryRewriters.create(config).rewrite("q?", HISTORY)).containsExactly("q?");
    }

    @Test
    void callsTheAzureDeploymentRouteWithTheApiKeyHeader() {
        upstream.answering("Ember Kettle warranty");
        LlmConfig config = LlmConfig.from(new Env(Map.of("RAGD_LLM", "azure-openai",
                "AZURE_OPENAI_ENDPOINT", upstream.url(), "AZURE_OPENAI_API_KEY", "az-key",
                "AZURE_OPENAI_DEPLOYMENT", "chat-dep", "AZURE_OPENAI_API_VERSION", "2024-10-21")));
        QueryRewriter rewriter = QueryRewriters.create(config);

        List<String> queries = rewriter.rewrite("And its warranty?", HISTORY);

        assertThat(queries).containsExactly("Ember Kettle warranty");
        OpenAiTestServer.Received r = upstream.requests.getFirst();
        assertThat(r.path()).isEqualTo("/openai/deployments/chat-dep/chat/completions");
        assertThat(r.query()).contains("api-version=2024-10-21");
        assertThat(r.apiKey()).isEqualTo("az-key");
        assertThat(rewriter.name()).isEqualTo("llm:chat-dep");
    }

    @Test
    void callsNoModelWithTheExtractiveAnswererOrWhenSwitchedOff() {
        QueryRewriter extractive = QueryRewriters.create(LlmConfig.from(new Env(Map.of())));
        QueryRewriter off = QueryRewriters.create(openAi(Map.of("RAGD_QUERY_REWRITE", "false")));

        assertThat(extractive).isInstanceOf(FollowUpRewriter.class);
        assertThat(extractive.rewrite("Do you ship to Canada?", HISTORY)).containsExactly("Do you ship to Canada?");
        assertThat(off).isInstanceOf(NoRewrite.class);
        assertThat(off.rewrite("And its warranty?", HISTORY)).containsExactly("And its warranty?");
        assertThat(upstream.requests).isEmpty();
    }

    @Test
    void skipsTheModelCallWhenThereIsNothingToRewrite() {
        List<String> queries = QueryRewriters.create(openAi(Map.of("RAGD_MAX_QUERIES", "1")))
                .rewrite("How much is the Ember Kettle?", List.of());

        assertThat(queries).containsExactly("How much is the Ember Kettle?");
        assertThat(upstream.requests).isEmpty();
    }
}
