package dev.ragd.e2e.llm;

import static dev.ragd.e2e.llm.LlmRig.QUESTION;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.ragd.mock.MockRoute;
import dev.ragd.observe.TraceParent;
import dev.ragd.testsupport.Await;
import dev.ragd.testsupport.MetricNames;
import dev.ragd.testsupport.OtlpReceiver;
import dev.ragd.testsupport.OtlpReceiver.ReceivedSpan;
import dev.ragd.testsupport.RecordedLog;
import dev.ragd.testsupport.Scrape;
import dev.ragd.testsupport.WsSession;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The model call as telemetry, against the mock OpenAI server: the GenAI client span and metrics,
 * the trace carried to the model in {@code traceparent}, rate-limit headroom from the upstream's
 * headers, and 429s, retries and the circuit breaker as counters, gauge, span events, WARN lines
 * with the request's ids, and readiness.
 */
class ModelTelemetryE2ETest {

    private static final Duration WAIT = Duration.ofSeconds(15);
    private static OtlpReceiver receiver;
    private static LlmRig rig;

    @BeforeAll
    static void start() throws Exception {
        receiver = OtlpReceiver.start();
        rig = LlmRig.openAi(LlmRig.healthy(), Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", receiver.endpoint(),
                "OTEL_BSP_SCHEDULE_DELAY", "100", "RAGD_LLM_MAX_RETRIES", "1", "RAGD_BREAKER_FAILURES", "2",
                "RAGD_BREAKER_RESET_MS", "600000"));
    }

    @AfterAll
    static void stop() throws Exception {
        rig.close();
        receiver.close();
    }

    @BeforeEach
    void healthy() {
        rig.resetMock();
    }

    @Test
    void aModelAnswerIsAGenAiClientSpanWhoseContextTheModelReceivesAndItsMetricsMove() throws Exception {
        String logId = chat("gen-1");

        ReceivedSpan server = receiver.awaitSpans(s -> s.name().equals("chat.request")
                && logId.equals(s.attribute("ragd.log_id")), WAIT).getFirst();
        ReceivedSpan model = receiver.awaitSpans(s -> server.spanId().equals(s.parentSpanId())
                && s.name().equals("chat " + LlmRig.MODEL), WAIT).getFirst();
        assertThat(model.kind().name()).isEqualTo("SPAN_KIND_CLIENT");
        assertThat(model.attributes()).containsEntry("gen_ai.operation.name", "chat")
                .containsEntry("gen_ai.provider.name", "openai").containsEntry("gen_ai.request.model", LlmRig.MODEL)
                .containsEntry("server.address", "127.0.0.1").containsKey("gen_ai.response.time_to_first_chunk");
        assertThat((Long) model.attribute("gen_ai.usage.input_tokens")).isPositive();
        assertThat((Long) model.attribute("gen_ai.usage.output_tokens")).isPositive();
        assertThat(String.valueOf(model.attribute("gen_ai.response.finish_reasons"))).contains("stop");
        assertThat(model.eventNames()).contains("gen_ai.first_chunk");

        TraceParent sent = TraceParent.parse(rig.mock.lastRequest(MockRoute.CHAT).orElseThrow().headers()
                .get("traceparent").getFirst());
        assertThat(sent.traceId()).isEqualTo(server.traceId());
        assertThat(sent.parentId()).as("the model call's own span is the model's parent").isEqualTo(model.spanId());

        Await.untilPasses(() -> {
            Scrape s = Scrape.of(rig.app.baseUrl());
            String[] genAi = {"gen_ai_operation_name", "chat", "gen_ai_provider_name", "openai",
                    "gen_ai_request_model", LlmRig.MODEL};
            assertThat(s.value("gen_ai_client_operation_duration_seconds_count", concat(genAi, "error_type", "none")))
                    .isGreaterThanOrEqualTo(1.0);
            assertThat(s.value("gen_ai_client_operation_time_to_first_chunk_seconds_count", genAi))
                    .isGreaterThanOrEqualTo(1.0);
            assertThat(s.value("gen_ai_client_token_usage_count", concat(genAi, "gen_ai_token_type", "output")))
                    .isGreaterThanOrEqualTo(1.0);
            assertThat(s.value("gen_ai_client_token_usage_count", concat(genAi, "gen_ai_token_type", "input")))
                    .isGreaterThanOrEqualTo(1.0);
            double remaining = s.value("ragd_upstream_ratelimit_remaining_requests");
            assertThat(remaining).isBetween(0.0, 9_999.0);
            assertThat(s.value("ragd_upstream_ratelimit_remaining_tokens")).isPositive();
            assertThat(s.value("ragd_upstream_circuit_state")).isZero();
            // every ragd and GenAI series served is in the names contract (and so documented)
            var listed = MetricNames.listed();
            assertThat(s.names().stream().filter(n -> n.startsWith("ragd_") || n.startsWith("gen_ai_"))
                    .map(n -> MetricNames.family(n, listed))).allSatisfy(n -> assertThat(listed).containsKey(n));
        });
    }

    @Test
    void rateLimitsAreCountedRetriedAndLoggedWithTheRequestsIdsThenTheBreakerOpensAndReadinessTurnsRed()
            throws Exception {
        rig.mock.reconfigure(LlmRig.healthy().withRate429(1.0).withRetryAfterS(0));
        try (RecordedLog logs = RecordedLog.start()) {
            JsonObject first = chatFrames("limited-1").getLast();
            assertThat(first.getString("type")).isEqualTo("error");
            assertThat(first.getString("code")).isEqualTo("rate_limited");
            chatFrames("limited-2");

            List<ILoggingEvent> retries = logs.atLeast(Level.WARN).stream()
                    .filter(e -> e.getFormattedMessage().equals("llm upstream retry")).toList();
            assertThat(retries).isNotEmpty().allSatisfy(e -> {
                assertThat(RecordedLog.value(e, "log_id")).isNotNull();
                assertThat(RecordedLog.value(e, "trace_id")).isNotNull();
                assertThat(RecordedLog.value(e, "kind")).isEqualTo("rate_limited");
            });
            assertThat(logs.atLeast(Level.WARN)).anySatisfy(e -> assertThat(e.getFormattedMessage())
                    .isEqualTo("llm circuit breaker open"));
        }
        Await.untilPasses(() -> {
            Scrape s = Scrape.of(rig.app.baseUrl());
            assertThat(s.value("ragd_upstream_errors_total", "type", "rate_limited")).isGreaterThanOrEqualTo(4.0);
            assertThat(s.value("ragd_upstream_retries_total")).isGreaterThanOrEqualTo(2.0);
            assertThat(s.value("ragd_upstream_circuit_state")).isEqualTo(2.0);
            assertThat(s.value("ragd_upstream_circuit_transitions_total", "state", "open")).isEqualTo(1.0);
            assertThat(s.value("ragd_chat_requests_total", "outcome", "failed", "error_code", "rate_limited"))
                    .isGreaterThanOrEqualTo(2.0);
            assertThat(s.value("gen_ai_client_operation_duration_seconds_count", "error_type", "rate_limited"))
                    .isGreaterThanOrEqualTo(2.0);
        });
        ReceivedSpan limited = receiver.awaitSpans(s -> s.name().startsWith("chat ")
                && "rate_limited".equals(s.attribute("error.type")), WAIT).getFirst();
        assertThat(limited.eventNames()).contains("retry");
        HttpResponse<String> ready = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(rig.app.baseUrl() + "/readyz")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(ready.statusCode()).isEqualTo(503);
        assertThat(ready.body()).contains("circuit open");
    }

    private static String chat(String id) throws Exception {
        return chatFrames(id).getLast().getString("log_id");
    }

    private static List<JsonObject> chatFrames(String id) throws Exception {
        try (WsSession ws = WsSession.connect(rig.app.clientVertx(), rig.app.port(), "/v1/chat")) {
            ws.send(Clients.request(id, QUESTION));
            return Clients.untilDone(ws);
        }
    }

    private static String[] concat(String[] a, String... b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
