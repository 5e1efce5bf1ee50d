package dev.ragd.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The shipped logback.xml with the {@link LogEncoder}. */
class LoggingConfigTest {

    @Test
    void jsonLinesCarryFluentKeyValuesAsTypedTopLevelFields() {
        String out = CapturedLog.capture(Map.of(), ctx -> ctx.getLogger("dev.ragd.chat").atInfo()
                .addKeyValue("request_id", "req-1").addKeyValue("duration_ms", 12L)
                .addKeyValue("cached", true).addKeyValue("note", "say \"hi\"\nbye")
                .log("retrieval"));

        List<JsonNode> lines = CapturedLog.jsonLines(out);
        assertThat(lines).hasSize(1);
        JsonNode line = lines.getFirst();
        assertThat(line.get("msg").asText()).isEqualTo("retrieval");
        assertThat(line.get("level").asText()).isEqualTo("INFO");
        assertThat(line.get("logger").asText()).isEqualTo("dev.ragd.chat");
        assertThat(Instant.parse(line.get("ts").asText())).isNotNull();
        assertThat(line.get("request_id").asText()).isEqualTo("req-1");
        assertThat(line.get("duration_ms").isIntegralNumber()).isTrue();
        assertThat(line.get("duration_ms").asLong()).isEqualTo(12);
        assertThat(line.get("cached").asBoolean()).isTrue();
        assertThat(line.get("note").asText()).isEqualTo("say \"hi\"\nbye");
    }

    @Test
    void exceptionsBecomeErrorAndStackFieldsOnTheSameLine() {
        String out = CapturedLog.capture(Map.of(), ctx -> ctx.getLogger("dev.ragd.x")
                .error("write failed", new IllegalStateException("disk full")));

        JsonNode line = CapturedLog.jsonLines(out).getFirst();
        assertThat(line.get("error").asText()).isEqualTo("java.lang.IllegalStateException: disk full");
        assertThat(line.get("stack").asText()).contains("LoggingConfigTest");
    }

    @Test
    void keyThatClashesWithAFixedFieldIsPrefixedNotLost() {
        String out = CapturedLog.capture(Map.of(), ctx -> ctx.getLogger("dev.ragd.x").atInfo()
                .addKeyValue("msg", "mine").log("theirs"));

        JsonNode line = CapturedLog.jsonLines(out).getFirst();
        assertThat(line.get("msg").asText()).isEqualTo("theirs");
        assertThat(line.get("_msg").asText()).isEqualTo("mine");
    }

    @Test
    void textFormatWritesAHumanLineWithKeyValues() {
        String out = CapturedLog.capture(Map.of("RAGD_LOG_FORMAT", "text"), ctx -> ctx.getLogger("dev.ragd.chat")
                .atInfo().addKeyValue("request_id", "req-2").log("answer_done"));

        assertThat(out).matches("(?s)\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z INFO  \\[.*\\] dev\\.ragd\\.chat - "
                + "answer_done request_id=\"req-2\"\\R");
    }

    @Test
    void unknownFormatFallsBackToJsonRatherThanLosingLogs() {
        String out = CapturedLog.capture(Map.of("RAGD_LOG_FORMAT", "xml"), ctx -> ctx.getLogger("dev.ragd.x")
                .info("still here"));

        assertThat(CapturedLog.jsonLines(out)).singleElement()
                .satisfies(line -> assertThat(line.get("msg").asText()).isEqualTo("still here"));
    }

    @Test
    void levelComesFromRagdLogLevelAndDefaultsToInfo() {
        String atWarn = CapturedLog.capture(Map.of("RAGD_LOG_LEVEL", "WARN"), ctx -> {
            ctx.getLogger("dev.ragd.x").info("hidden");
            ctx.getLogger("dev.ragd.x").warn("shown");
        });
        String byDefault = CapturedLog.capture(Map.of(), ctx -> {
            ctx.getLogger("dev.ragd.x").debug("hidden");
            ctx.getLogger("dev.ragd.x").info("shown");
        });

        assertThat(CapturedLog.jsonLines(atWarn)).extracting(l -> l.get("msg").asText()).containsExactly("shown");
        assertThat(CapturedLog.jsonLines(byDefault)).extracting(l -> l.get("msg").asText()).containsExactly("shown");
    }

    @Test
    void thirdPartyLibrariesAreQuietBelowWarn() {
        String out = CapturedLog.capture(Map.of("RAGD_LOG_LEVEL", "DEBUG"), ctx -> {
            for (String name : List.of("io.netty.channel", "org.h2.engine", "org.apache.pdfbox.pdmodel", "ai.onnxruntime")) {
                ctx.getLogger(name).info("noise");
                ctx.getLogger(name).warn("problem");
            }
            ctx.getLogger("dev.ragd.x").debug("ours");
        });

        assertThat(CapturedLog.jsonLines(out)).extracting(l -> l.get("msg").asText())
                .containsExactly("problem", "problem", "problem", "problem", "ours");
    }
}
