package dev.ragd.config;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Which model answers, which embedder indexes, and how ragd treats the upstream: timeouts, retries,
 * circuit breaker, admission control. Read once from the environment and validated.
 */
public record LlmConfig(
        String provider,
        String model,
        String openAiBaseUrl,
        String openAiApiKey,
        String azureEndpoint,
        String azureApiKey,
        String azureDeployment,
        String azureApiVersion,
        String azureAuth,
        String embeddings,
        String embeddingModel,
        int embeddingDimensions,
        String azureEmbeddingDeployment,
        boolean queryRewrite,
        int maxQueries,
        int maxAnswerTokens,
        int connectTimeoutMs,
        int firstTokenTimeoutMs,
        int stallTimeoutMs,
        int retryBudgetMs,
        int maxRetries,
        int breakerFailures,
        int breakerResetMs,
        int maxConcurrentGenerations,
        double minRelevance) {

    public static final String OPENAI_DEFAULT_BASE_URL = "https://api.openai.com/v1";

    /**
     * Default {@code RAGD_MIN_RELEVANCE} with the local BGE embedder: the cosine similarity of the
     * nearest chunk below which a question is answered "not found" without calling the model.
     * Measured on the sample corpus: the 56 questions of bench/questions.jsonl score 0.616 to 0.85,
     * eleven of twelve off-topic questions 0.358 to 0.554 (README, "Relevance threshold").
     */
    public static final double LOCAL_MIN_RELEVANCE = 0.58;

    /** Variables whose values are never printed or logged. */
    public static final Set<String> SECRETS = Set.of("OPENAI_API_KEY", "AZURE_OPENAI_API_KEY");

    public static LlmConfig from(Env env) {
        String provider = env.oneOf("RAGD_LLM", "extractive", Set.of("extractive", "openai", "azure-openai"));
        String embeddings = env.oneOf("RAGD_EMBEDDINGS", "local", Set.of("local", "openai", "azure-openai"));
        String baseUrl = stripSlash(env.string("OPENAI_BASE_URL", OPENAI_DEFAULT_BASE_URL));
        String azureEndpoint = stripSlash(env.string("AZURE_OPENAI_ENDPOINT", null));
        String azureAuth = env.oneOf("AZURE_OPENAI_AUTH", "key", Set.of("key", "entra"));
        LlmConfig c = new LlmConfig(
                provider,
                env.string("RAGD_LLM_MODEL", "gpt-4o-mini"),
                baseUrl,
                env.string("OPENAI_API_KEY", null),
                azureEndpoint,
                env.string("AZURE_OPENAI_API_KEY", null),
                env.string("AZURE_OPENAI_DEPLOYMENT", null),
                env.string("AZURE_OPENAI_API_VERSION", "2024-10-21"),
                azureAuth,
                embeddings,
                env.string("RAGD_EMBEDDING_MODEL", "text-embedding-3-small"),
                env.integer("RAGD_EMBEDDING_DIMENSIONS", 1536, 1, 4096),
                env.string("AZURE_OPENAI_EMBEDDING_DEPLOYMENT", null),
                env.bool("RAGD_QUERY_REWRITE", true),
                env.integer("RAGD_MAX_QUERIES", 3, 1, 3),
                env.integer("RAGD_MAX_ANSWER_TOKENS", 800, 16, 32_000),
                env.integer("RAGD_LLM_CONNECT_TIMEOUT_MS", 5_000, 100, 600_000),
                env.integer("RAGD_LLM_FIRST_TOKEN_TIMEOUT_MS", 30_000, 100, 600_000),
                env.integer("RAGD_LLM_STALL_TIMEOUT_MS", 15_000, 100, 600_000),
                env.integer("RAGD_LLM_RETRY_BUDGET_MS", 20_000, 0, 600_000),
                env.integer("RAGD_LLM_MAX_RETRIES", 4, 0, 20),
                env.integer("RAGD_BREAKER_FAILURES", 5, 1, 1000),
                env.integer("RAGD_BREAKER_RESET_MS", 10_000, 100, 600_000),
                env.integer("RAGD_MAX_CONCURRENT_GENERATIONS", 512, 1, 100_000),
                // similarity scales differ between embedders: measured only for the local one
                env.decimal("RAGD_MIN_RELEVANCE", "local".equals(embeddings) ? LOCAL_MIN_RELEVANCE : 0.0, 0.0, 1.0));
        c.validate();
        return c;
    }

    private void validate() {
        if (uses("openai")) {
            requireUrl("OPENAI_BASE_URL", openAiBaseUrl);
            if (openAiApiKey == null && openAiBaseUrl.startsWith(OPENAI_DEFAULT_BASE_URL)) {
                throw new ConfigException("OPENAI_API_KEY is required when RAGD_LLM or RAGD_EMBEDDINGS is openai"
                        + " and OPENAI_BASE_URL is OpenAI's own (" + OPENAI_DEFAULT_BASE_URL + ")");
            }
        }
        if (uses("azure-openai")) {
            if (azureEndpoint == null) {
                throw new ConfigException("AZURE_OPENAI_ENDPOINT is required when RAGD_LLM or RAGD_EMBEDDINGS is azure-openai"
                        + " (e.g. https://my-resource.openai.azure.com)");
            }
            requireUrl("AZURE_OPENAI_ENDPOINT", azureEndpoint);
            if ("key".equals(azureAuth) && azureApiKey == null) {
                throw new ConfigException("AZURE_OPENAI_API_KEY is required when AZURE_OPENAI_AUTH=key"
                        + " (set AZURE_OPENAI_AUTH=entra to use an Entra ID token instead)");
            }
        }
        if ("azure-openai".equals(provider) && azureDeployment == null) {
            throw new ConfigException("AZURE_OPENAI_DEPLOYMENT is required when RAGD_LLM=azure-openai"
                    + " (the name of the chat model's deployment)");
        }
        if ("azure-openai".equals(embeddings) && azureEmbeddingDeployment == null) {
            throw new ConfigException("AZURE_OPENAI_EMBEDDING_DEPLOYMENT is required when RAGD_EMBEDDINGS=azure-openai");
        }
    }

    private boolean uses(String backend) {
        return backend.equals(provider) || backend.equals(embeddings);
    }

    /** True when a language model (not the offline extractive answerer) writes the answers. */
    public boolean languageModel() {
        return !"extractive".equals(provider);
    }

    /** Refuses {@code value} unless it is an http:// or https:// URL with a host, naming {@code name}. */
    public static void requireUrl(String name, String value) {
        try {
            URI uri = URI.create(value);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
                throw new IllegalArgumentException();
            }
        } catch (IllegalArgumentException e) {
            throw new ConfigException(name + "='" + value + "' must be an http:// or https:// URL");
        }
    }

    private static String stripSlash(String url) {
        return url == null ? null : url.replaceAll("/+$", "");
    }

    /** Settings as variable names and values, secrets masked, for the startup log and {@code ragd config}. */
    public Map<String, String> describe() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("RAGD_LLM", provider);
        m.put("RAGD_LLM_MODEL", model);
        m.put("OPENAI_BASE_URL", openAiBaseUrl);
        m.put("OPENAI_API_KEY", RagdConfig.mask(openAiApiKey));
        m.put("AZURE_OPENAI_ENDPOINT", RagdConfig.unset(azureEndpoint));
        m.put("AZURE_OPENAI_API_KEY", RagdConfig.mask(azureApiKey));
        m.put("AZURE_OPENAI_DEPLOYMENT", RagdConfig.unset(azureDeployment));
        m.put("AZURE_OPENAI_API_VERSION", azureApiVersion);
        m.put("AZURE_OPENAI_AUTH", azureAuth);
        m.put("RAGD_EMBEDDINGS", embeddings);
        m.put("RAGD_EMBEDDING_MODEL", embeddingModel);
        m.put("RAGD_EMBEDDING_DIMENSIONS", Integer.toString(embeddingDimensions));
        m.put("AZURE_OPENAI_EMBEDDING_DEPLOYMENT", RagdConfig.unset(azureEmbeddingDeployment));
        m.put("RAGD_QUERY_REWRITE", Boolean.toString(queryRewrite));
        m.put("RAGD_MAX_QUERIES", Integer.toString(maxQueries));
        m.put("RAGD_MAX_ANSWER_TOKENS", Integer.toString(maxAnswerTokens));
        m.put("RAGD_LLM_CONNECT_TIMEOUT_MS", Integer.toString(connectTimeoutMs));
        m.put("RAGD_LLM_FIRST_TOKEN_TIMEOUT_MS", Integer.toString(firstTokenTimeoutMs));
        m.put("RAGD_LLM_STALL_TIMEOUT_MS", Integer.toString(stallTimeoutMs));
        m.put("RAGD_LLM_RETRY_BUDGET_MS", Integer.toString(retryBudgetMs));
        m.put("RAGD_LLM_MAX_RETRIES", Integer.toString(maxRetries));
        m.put("RAGD_BREAKER_FAILURES", Integer.toString(breakerFailures));
        m.put("RAGD_BREAKER_RESET_MS", Integer.toString(breakerResetMs));
        m.put("RAGD_MAX_CONCURRENT_GENERATIONS", Integer.toString(maxConcurrentGenerations));
        m.put("RAGD_MIN_RELEVANCE", Double.toString(minRelevance));
        return m;
    }


    /** Hides secrets from {@code toString()} (records print every component otherwise). */
    @Override
    public String toString() {
        return "LlmConfig" + describe();
    }
}
