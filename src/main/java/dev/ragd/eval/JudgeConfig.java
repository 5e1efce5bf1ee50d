package dev.ragd.eval;

import dev.ragd.config.ConfigException;
import dev.ragd.config.Env;
import dev.ragd.config.LlmConfig;
import dev.ragd.config.RagdConfig;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The judge model of {@code ragd eval} ({@code RAGD_EVAL_JUDGE_*}): none, any OpenAI-compatible
 * server, or an Azure OpenAI deployment. Read once, validated with messages naming the variable.
 */
public record JudgeConfig(String provider, String model, String baseUrl, String apiKey, String endpoint,
        String deployment, String apiVersion, String auth, int timeoutMs, int maxRetries) {

    public static final Set<String> SECRETS = Set.of("RAGD_EVAL_JUDGE_API_KEY");

    public static JudgeConfig from(Env env) {
        JudgeConfig c = new JudgeConfig(
                env.oneOf("RAGD_EVAL_JUDGE", "none", Set.of("none", "openai", "azure-openai")),
                env.string("RAGD_EVAL_JUDGE_MODEL", "gpt-4o-mini"),
                strip(env.string("RAGD_EVAL_JUDGE_BASE_URL", LlmConfig.OPENAI_DEFAULT_BASE_URL)),
                env.string("RAGD_EVAL_JUDGE_API_KEY", null),
                strip(env.string("RAGD_EVAL_JUDGE_ENDPOINT", null)),
                env.string("RAGD_EVAL_JUDGE_DEPLOYMENT", null),
                env.string("RAGD_EVAL_JUDGE_API_VERSION", "2024-10-21"),
                env.oneOf("RAGD_EVAL_JUDGE_AUTH", "key", Set.of("key", "entra")),
                env.integer("RAGD_EVAL_JUDGE_TIMEOUT_MS", 60_000, 100, 600_000),
                env.integer("RAGD_EVAL_JUDGE_MAX_RETRIES", 3, 0, 20));
        c.validate();
        return c;
    }

    public boolean enabled() {
        return !"none".equals(provider);
    }

    private void validate() {
        if ("openai".equals(provider)) {
            LlmConfig.requireUrl("RAGD_EVAL_JUDGE_BASE_URL", baseUrl);
            if (apiKey == null && baseUrl.startsWith(LlmConfig.OPENAI_DEFAULT_BASE_URL)) {
                throw new ConfigException("RAGD_EVAL_JUDGE_API_KEY is required when RAGD_EVAL_JUDGE=openai and"
                        + " RAGD_EVAL_JUDGE_BASE_URL is OpenAI's own (" + LlmConfig.OPENAI_DEFAULT_BASE_URL + ")");
            }
        }
        if ("azure-openai".equals(provider)) {
            if (endpoint == null) {
                throw new ConfigException("RAGD_EVAL_JUDGE_ENDPOINT is required when RAGD_EVAL_JUDGE=azure-openai"
                        + " (e.g. https://my-resource.openai.azure.com)");
            }
            LlmConfig.requireUrl("RAGD_EVAL_JUDGE_ENDPOINT", endpoint);
            if (deployment == null) {
                throw new ConfigException("RAGD_EVAL_JUDGE_DEPLOYMENT is required when RAGD_EVAL_JUDGE=azure-openai"
                        + " (the judge model's deployment)");
            }
            if ("key".equals(auth) && apiKey == null) {
                throw new ConfigException("RAGD_EVAL_JUDGE_API_KEY is required when RAGD_EVAL_JUDGE=azure-openai and"
                        + " RAGD_EVAL_JUDGE_AUTH=key (set RAGD_EVAL_JUDGE_AUTH=entra to use an Entra ID token)");
            }
        }
    }

    /** The judge's name in reports: its model or deployment. */
    public String name() {
        return switch (provider) {
            case "openai" -> "openai:" + model;
            case "azure-openai" -> "azure-openai:" + deployment;
            default -> "none";
        };
    }

    /** The judge as ragd's model settings, for the Azure OpenAI client ragd's one-shot calls share. */
    LlmConfig asAzureLlm() {
        Map<String, String> vars = new LinkedHashMap<>();
        vars.put("RAGD_LLM", "azure-openai");
        vars.put("AZURE_OPENAI_ENDPOINT", endpoint);
        vars.put("AZURE_OPENAI_DEPLOYMENT", deployment);
        vars.put("AZURE_OPENAI_API_VERSION", apiVersion);
        vars.put("AZURE_OPENAI_AUTH", auth);
        if (apiKey != null) {
            vars.put("AZURE_OPENAI_API_KEY", apiKey);
        }
        return LlmConfig.from(new Env(vars));
    }

    /** Settings for the log and reports, the key masked. */
    public Map<String, String> describe() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("RAGD_EVAL_JUDGE", provider);
        if ("openai".equals(provider)) {
            m.put("RAGD_EVAL_JUDGE_MODEL", model);
            m.put("RAGD_EVAL_JUDGE_BASE_URL", baseUrl);
        } else if ("azure-openai".equals(provider)) {
            m.put("RAGD_EVAL_JUDGE_ENDPOINT", endpoint);
            m.put("RAGD_EVAL_JUDGE_DEPLOYMENT", deployment);
            m.put("RAGD_EVAL_JUDGE_API_VERSION", apiVersion);
            m.put("RAGD_EVAL_JUDGE_AUTH", auth);
        }
        if (enabled()) {
            m.put("RAGD_EVAL_JUDGE_API_KEY", RagdConfig.mask(apiKey));
        }
        return m;
    }

    private static String strip(String url) {
        return url == null ? null : url.replaceAll("/+$", "");
    }
}
