package dev.ragd.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ragd.config.RagdConfig;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class StartupLogTest {

    private static final String SECRET = "sk-live-9f8e7d6c5b4a";

    @Test
    void effectiveConfigIsOneLineWithEveryVariable() {
        RagdConfig config = RagdConfig.defaults();

        String out = CapturedLog.capture(Map.of(), ctx -> new StartupLog(ctx.getLogger("dev.ragd.startup")).logConfig(config));

        JsonNode line = CapturedLog.jsonLines(out).getFirst();
        assertThat(line.get("msg").asText()).isEqualTo("effective configuration");
        config.describe().forEach((name, value) -> assertThat(line.get("config").get(name).asText()).isEqualTo(value));
        assertThat(line.get("config").get("RAGD_EXTRACTIVE_TOKEN_MS").asText()).isEqualTo("15");
    }

    @Test
    void secretValuesNeverReachTheLogInEitherFormat() {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("PORT", "8000");
        settings.put("RAGD_LLM_AUTH", SECRET);
        settings.put("OPENAI_API_KEY", SECRET);
        settings.put("RAGD_EMPTY_TOKEN", "");
        for (String format : new String[] {"json", "text"}) {
            String out = CapturedLog.capture(Map.of("RAGD_LOG_FORMAT", format),
                    ctx -> new StartupLog(ctx.getLogger("dev.ragd.startup")).logSettings(settings, Set.of("RAGD_LLM_AUTH")));

            assertThat(out).doesNotContain(SECRET).contains("****").contains("8000");
        }
    }

    @Test
    void namedAndSecretLookingVariablesAreMaskedButTimingsAreNot() {
        Map<String, String> masked = StartupLog.masked(Map.of(
                "RAGD_LLM_AUTH", SECRET, "OPENAI_API_KEY", SECRET, "AZURE_COSMOS_KEY", SECRET,
                "PGPASSWORD", "x", "DB_PASSWORD", SECRET, "RAGD_EXTRACTIVE_TOKEN_MS", "15", "RAGD_EMPTY_SECRET", ""),
                Set.of("RAGD_LLM_AUTH"));

        assertThat(masked).containsEntry("RAGD_LLM_AUTH", "****").containsEntry("OPENAI_API_KEY", "****")
                .containsEntry("AZURE_COSMOS_KEY", "****").containsEntry("DB_PASSWORD", "****")
                .containsEntry("RAGD_EXTRACTIVE_TOKEN_MS", "15").containsEntry("RAGD_EMPTY_SECRET", "");
    }

    @Test
    void otlpHeadersCarryApiKeysAndAreMaskedInTheEffectiveConfiguration() {
        RagdConfig config = RagdConfig.from(new dev.ragd.config.Env(Map.of(
                "OTEL_EXPORTER_OTLP_ENDPOINT", "https://otlp.example.com",
                "OTEL_EXPORTER_OTLP_HEADERS", "api-key=" + SECRET,
                "OTEL_EXPORTER_OTLP_TRACES_HEADERS", "x-honeycomb-team=" + SECRET)));

        String out = CapturedLog.capture(Map.of(), ctx -> new StartupLog(ctx.getLogger("dev.ragd.startup")).logConfig(config));

        assertThat(out).doesNotContain(SECRET).contains("OTEL_EXPORTER_OTLP_HEADERS").contains("https://otlp.example.com");
        assertThat(config.toString()).doesNotContain(SECRET);
    }
}
