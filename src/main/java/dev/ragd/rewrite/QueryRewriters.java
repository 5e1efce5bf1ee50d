package dev.ragd.rewrite;

import dev.langchain4j.model.azure.AzureOpenAiChatModel;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.ragd.config.LlmConfig;
import dev.ragd.retrieval.AzureOpenAiClients;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** Chooses the {@link QueryRewriter} for a configuration. */
public final class QueryRewriters {

    /** How long the rewrite call may take before ragd searches for the question as asked. */
    public static final Duration TIMEOUT = Duration.ofSeconds(5);
    /** Enough for three short queries. */
    static final int MAX_TOKENS = 120;
    static final String PROMPT = "/prompts/rewrite-system.txt";

    private QueryRewriters() {}

    /**
     * {@link NoRewrite} with {@code RAGD_QUERY_REWRITE=false}; {@link FollowUpRewriter} with the
     * extractive answerer (no model to ask); otherwise an {@link LlmQueryRewriter} on the configured
     * OpenAI or Azure OpenAI chat model.
     */
    public static QueryRewriter create(LlmConfig config) {
        return create(config, TIMEOUT);
    }

    /** As {@link #create(LlmConfig)}, with the rewrite call's timeout. */
    public static QueryRewriter create(LlmConfig config, Duration timeout) {
        if (!config.queryRewrite()) {
            return new NoRewrite();
        }
        if (!config.languageModel()) {
            return new FollowUpRewriter();
        }
        ChatModel model = switch (config.provider()) {
            case "openai" -> OpenAiChatModel.builder()
                    .baseUrl(config.openAiBaseUrl())
                    .apiKey(config.openAiApiKey() == null ? "none" : config.openAiApiKey())
                    .modelName(config.model())
                    .temperature(0.0)
                    .maxTokens(MAX_TOKENS)
                    .timeout(timeout)
                    .maxRetries(0)
                    .build();
            case "azure-openai" -> azure(config, timeout);
            default -> throw new IllegalArgumentException("no query rewriter for RAGD_LLM=" + config.provider());
        };
        String name = "llm:" + ("azure-openai".equals(config.provider()) ? config.azureDeployment() : config.model());
        return new LlmQueryRewriter(model, name, prompt(), config.maxQueries());
    }

    private static ChatModel azure(LlmConfig config, Duration timeout) {
        return AzureOpenAiChatModel.builder()
                .openAIClient(AzureOpenAiClients.create(config, timeout))
                .deploymentName(config.azureDeployment())
                .temperature(0.0)
                .maxTokens(MAX_TOKENS)
                .build();
    }

    /** The rewrite system prompt shipped in the jar. */
    public static String prompt() {
        try (InputStream in = QueryRewriters.class.getResourceAsStream(PROMPT)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + PROMPT);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + PROMPT, e);
        }
    }
}
