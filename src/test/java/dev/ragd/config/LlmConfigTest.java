package dev.ragd.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LlmConfigTest {

    private static LlmConfig llm(String... kv) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return LlmConfig.from(new Env(m));
    }

    @Test
    void defaultIsTheOfflineAnswererWithLocalEmbeddings() {
        LlmConfig c = llm();

        assertThat(c.provider()).isEqualTo("extractive");
        assertThat(c.languageModel()).isFalse();
        assertThat(c.embeddings()).isEqualTo("local");
    }

    @Test
    void openAiAgainstOpenAiItselfNeedsAKey() {
        assertThatThrownBy(() -> llm("RAGD_LLM", "openai"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("OPENAI_API_KEY is required when RAGD_LLM or RAGD_EMBEDDINGS is openai");
    }

    @Test
    void openAiCompatibleLocalServerNeedsNoKey() {
        LlmConfig c = llm("RAGD_LLM", "openai", "OPENAI_BASE_URL", "http://127.0.0.1:8100/v1/");

        assertThat(c.openAiBaseUrl()).isEqualTo("http://127.0.0.1:8100/v1");
        assertThat(c.languageModel()).isTrue();
    }

    @Test
    void baseUrlMustBeHttp() {
        assertThatThrownBy(() -> llm("RAGD_LLM", "openai", "OPENAI_BASE_URL", "ftp://x", "OPENAI_API_KEY", "k"))
                .hasMessage("OPENAI_BASE_URL='ftp://x' must be an http:// or https:// URL");
    }

    @Test
    void azureNeedsEndpointDeploymentAndKeyUnlessEntra() {
        assertThatThrownBy(() -> llm("RAGD_LLM", "azure-openai"))
                .hasMessageStartingWith("AZURE_OPENAI_ENDPOINT is required");
        assertThatThrownBy(() -> llm("RAGD_LLM", "azure-openai", "AZURE_OPENAI_ENDPOINT", "https://r.openai.azure.com"))
                .hasMessageStartingWith("AZURE_OPENAI_API_KEY is required when AZURE_OPENAI_AUTH=key");
        assertThatThrownBy(() -> llm("RAGD_LLM", "azure-openai", "AZURE_OPENAI_ENDPOINT", "https://r.openai.azure.com",
                "AZURE_OPENAI_AUTH", "entra"))
                .hasMessageStartingWith("AZURE_OPENAI_DEPLOYMENT is required when RAGD_LLM=azure-openai");
        assertThatThrownBy(() -> llm("RAGD_EMBEDDINGS", "azure-openai", "AZURE_OPENAI_ENDPOINT", "https://r.openai.azure.com",
                "AZURE_OPENAI_API_KEY", "k"))
                .hasMessageStartingWith("AZURE_OPENAI_EMBEDDING_DEPLOYMENT is required");
    }

    @Test
    void secretsAreMaskedInDescribeAndToString() {
        LlmConfig c = llm("RAGD_LLM", "openai", "OPENAI_API_KEY", "sk-test-secret-123",
                "AZURE_OPENAI_API_KEY", "azure-secret-456");

        assertThat(c.describe()).containsEntry("OPENAI_API_KEY", "****").containsEntry("AZURE_OPENAI_API_KEY", "****");
        assertThat(c.toString()).doesNotContain("sk-test-secret-123").doesNotContain("azure-secret-456");
        RagdConfig all = RagdConfig.from(new Env(Map.of("RAGD_LLM", "openai", "OPENAI_API_KEY", "sk-test-secret-123")));
        assertThat(all.toString()).doesNotContain("sk-test-secret-123").contains("OPENAI_API_KEY=****");
    }
}
