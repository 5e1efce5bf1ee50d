package dev.ragd.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class MinRelevanceConfigTest {

    @Test
    void defaultsToTheThresholdMeasuredForTheLocalEmbedder() {
        LlmConfig c = LlmConfig.from(new Env(Map.of()));

        assertThat(c.minRelevance()).isEqualTo(LlmConfig.LOCAL_MIN_RELEVANCE);
        assertThat(c.describe()).containsEntry("RAGD_MIN_RELEVANCE", "0.58");
    }

    @Test
    void isOffByDefaultWithRemoteEmbeddersWhoseScaleWasNotMeasured() {
        LlmConfig c = LlmConfig.from(new Env(Map.of("RAGD_EMBEDDINGS", "openai",
                "OPENAI_BASE_URL", "http://localhost:9999/v1")));

        assertThat(c.minRelevance()).isZero();
    }

    @Test
    void acceptsAnExplicitValue() {
        assertThat(LlmConfig.from(new Env(Map.of("RAGD_MIN_RELEVANCE", "0.7"))).minRelevance()).isEqualTo(0.7);
        assertThat(LlmConfig.from(new Env(Map.of("RAGD_MIN_RELEVANCE", "0"))).minRelevance()).isZero();
    }

    @Test
    void rejectsValuesOutsideZeroToOneAndNonNumbers() {
        assertThatThrownBy(() -> LlmConfig.from(new Env(Map.of("RAGD_MIN_RELEVANCE", "1.5"))))
                .isInstanceOf(ConfigException.class).hasMessage("RAGD_MIN_RELEVANCE=1.5 must be from 0.0 to 1.0");
        assertThatThrownBy(() -> LlmConfig.from(new Env(Map.of("RAGD_MIN_RELEVANCE", "high"))))
                .isInstanceOf(ConfigException.class)
                .hasMessage("RAGD_MIN_RELEVANCE='high' must be a number from 0.0 to 1.0");
        assertThatThrownBy(() -> LlmConfig.from(new Env(Map.of("RAGD_MIN_RELEVANCE", "NaN"))))
                .isInstanceOf(ConfigException.class);
    }
}
