package dev.ragd.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ragd.ops.StepLog.Step;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StepLogTest {

    private static JsonNode logRequestIn(boolean logContent) {
        String out = CapturedLog.capture(Map.of(), ctx -> new StepLog(ctx.getLogger("dev.ragd.steps"), logContent)
                .request("log-7", "req-7").step(Step.REQUEST_IN, 0)
                .with("question_chars", 12)
                .content("question", "secret plan?")
                .content("user_email", "ada@example.com")
                .log());
        return CapturedLog.jsonLines(out).getFirst();
    }

    @Test
    void everyStepIsOneLineWithLogIdRequestIdStepAndDuration() {
        String out = CapturedLog.capture(Map.of(), ctx -> {
            StepLog.Request steps = new StepLog(ctx.getLogger("dev.ragd.steps"), false).request("log-1", "req-1");
            for (Step step : Step.values()) {
                steps.step(step, 5).with("hits", 3).log();
            }
        });

        assertThat(CapturedLog.jsonLines(out)).extracting(l -> l.get("step").asText())
                .containsExactly("request_in", "rejected", "retrieval", "first_token", "answer_done", "cancelled",
                        "backpressure", "chatlog_write");
        assertThat(CapturedLog.jsonLines(out)).allSatisfy(line -> {
            assertThat(line.get("log_id").asText()).isEqualTo("log-1");
            assertThat(line.get("request_id").asText()).isEqualTo("req-1");
            assertThat(line.get("duration_ms").asLong()).isEqualTo(5);
            assertThat(line.get("hits").asInt()).isEqualTo(3);
            assertThat(line.get("msg").asText()).isEqualTo(line.get("step").asText());
        });
    }

    @Test
    void questionAndEmailAreLeftOutUnlessContentLoggingIsOn() {
        JsonNode line = logRequestIn(false);

        assertThat(line.has("question")).isFalse();
        assertThat(line.has("user_email")).isFalse();
        assertThat(line.toString()).doesNotContain("secret plan").doesNotContain("ada@example.com");
        assertThat(line.get("question_chars").asInt()).isEqualTo(12);
    }

    @Test
    void questionAndEmailAreLoggedWhenContentLoggingIsOn() {
        JsonNode line = logRequestIn(true);

        assertThat(line.get("question").asText()).isEqualTo("secret plan?");
        assertThat(line.get("user_email").asText()).isEqualTo("ada@example.com");
    }

    @Test
    void aRequestRefusedBeforeItHadARecordLogsANullLogId() {
        String out = CapturedLog.capture(Map.of(), ctx -> new StepLog(ctx.getLogger("dev.ragd.steps"), false)
                .request(null, "req-2").step(Step.REJECTED, 0).log());

        JsonNode line = CapturedLog.jsonLines(out).getFirst();
        assertThat(line.get("log_id").isNull()).isTrue();
        assertThat(line.get("request_id").asText()).isEqualTo("req-2");
    }

    @Test
    void failedStepIsAWarningWithTheError() {
        String out = CapturedLog.capture(Map.of(), ctx -> new StepLog(ctx.getLogger("dev.ragd.steps"), false)
                .request("log-9", "req-9").stepWarn(Step.CHATLOG_WRITE, 30).error(new IllegalStateException("disk full")).log());

        JsonNode line = CapturedLog.jsonLines(out).getFirst();
        assertThat(line.get("level").asText()).isEqualTo("WARN");
        assertThat(line.get("step").asText()).isEqualTo("chatlog_write");
        assertThat(line.get("error").asText()).contains("disk full");
    }
}
