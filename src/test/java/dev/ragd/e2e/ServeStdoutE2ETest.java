package dev.ragd.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ragd.testsupport.ServeProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a log collector reads from {@code ragd serve} with the shipped {@code logback.xml}: a whole
 * run (start-up with the libraries' lines, Lucene's through {@code java.util.logging} among them; one
 * answered question; one refused request; the SIGTERM drain). In JSON mode every stdout line is one
 * JSON object; in text mode the lines are for people.
 */
class ServeStdoutE2ETest {

    private static final ObjectMapper STRICT = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);
    private static final String QUESTION = "What is the warranty of the Cinder Kettle?";

    @TempDir
    Path dir;

    record Run(List<String> stdout, String stderr) {}

    @Test
    void inJsonModeEveryStdoutLineOfAWholeRunIsOneJsonObject() throws Exception {
        // Traces and the metrics push on, to a collector that is not there: the exporters' failure
        // lines (OpenTelemetry logs through java.util.logging) must be JSON lines too.
        Run run = serveOneChatAndOneErrorThenSigterm("json", Map.of(
                "OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:" + ServeProcess.freePort(),
                "OTEL_BSP_SCHEDULE_DELAY", "100", "OTEL_METRIC_EXPORT_INTERVAL", "1000"));

        List<JsonNode> lines = new ArrayList<>();
        for (int i = 0; i < run.stdout().size(); i++) {
            String line = run.stdout().get(i);
            try {
                JsonNode node = STRICT.readTree(line);
                if (node == null || !node.isObject()) {
                    fail("stdout line " + (i + 1) + " is not a JSON object: " + line);
                }
                lines.add(node);
            } catch (JsonProcessingException e) {
                fail("stdout line " + (i + 1) + " is not JSON: " + line);
            }
        }
        List<String> messages = lines.stream().map(n -> n.path("msg").asText()).toList();
        assertThat(messages).contains("ragd listening", "ragd is serving", "shutdown: draining", "shutdown: done");
        assertThat(lines).as("the step lines of the answered question")
                .anyMatch(n -> "answer_done".equals(n.path("step").asText()) && "q-1".equals(n.path("request_id").asText()));
        assertThat(lines).as("Lucene's java.util.logging line, bridged")
                .anyMatch(n -> n.path("logger").asText().startsWith("org.apache.lucene."));
        assertThat(run.stderr()).as("Lucene's line is not also printed by java.util.logging's console handler")
                .doesNotContain("org.apache.lucene");
        assertThat(lines).as("an exporter's failure to reach the collector, as a JSON line")
                .anyMatch(n -> n.path("logger").asText().startsWith("io.opentelemetry.")
                        || n.path("logger").asText().startsWith("io.micrometer."));
        assertThat(messages).as("non-actionable library noise is silenced")
                .noneMatch(m -> m.contains("Failed to detect GPU count") || m.contains("maxLength is not explicitly specified"));
    }

    @Test
    void inTextModeTheLinesAreForPeople() throws Exception {
        Run run = serveOneChatAndOneErrorThenSigterm("text", Map.of());

        assertThat(run.stdout()).anyMatch(l -> l.startsWith("ragd is serving on http://127.0.0.1:"));
        assertThat(run.stdout()).as("every other line is ts LEVEL [thread] logger - message")
                .filteredOn(l -> !l.startsWith("ragd is serving on "))
                .allMatch(l -> l.matches("\\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z (TRACE|DEBUG|INFO |WARN |ERROR) \\[.+\\] \\S+ - .*"));
        assertThat(run.stdout()).anyMatch(l -> l.contains(" - ragd listening "))
                .anyMatch(l -> l.contains(" - answer_done ") && l.contains("request_id=\"q-1\""))
                .anyMatch(l -> l.contains("VectorizationProvider - "))
                .anyMatch(l -> l.contains(" - shutdown: done "));
    }

    private Run serveOneChatAndOneErrorThenSigterm(String format, Map<String, String> extra) throws Exception {
        int port = ServeProcess.freePort();
        Map<String, String> env = new java.util.HashMap<>(Map.of("PORT", Integer.toString(port),
                "RAGD_HOST", "127.0.0.1", "RAGD_DATA_DIR", dir.resolve("data").toString(),
                "RAGD_LOG_FORMAT", format, "RAGD_LOG_LEVEL", "INFO"));
        env.putAll(extra);
        Path stdout = dir.resolve("stdout.txt");
        Path stderr = dir.resolve("stderr.txt");
        Process process = ServeProcess.startShippedLogging(env, stdout, stderr);
        try {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
            HttpResponse<String> answer = post(http, port, "{\"id\":\"q-1\",\"stream\":false,"
                    + "\"messages\":[{\"role\":\"user\",\"content\":\"" + QUESTION + "\"}]}");
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
            HttpResponse<String> refused = post(http, port, "{\"id\":\"q-2\",");
            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
            if (!extra.isEmpty()) {
                Thread.sleep(2_500); // a few failed exports
            }

            assertThat(process.toHandle().destroy()).as("SIGTERM sent").isTrue();
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("process exits").isTrue();
        } finally {
            if (process.isAlive()) {
                process.destroyForcibly().waitFor(20, TimeUnit.SECONDS);
            }
        }
        Run run = new Run(Files.readAllLines(stdout, StandardCharsets.UTF_8), Files.readString(stderr, StandardCharsets.UTF_8));
        assertThat(process.exitValue()).as(String.join("\n", run.stdout()) + "\n" + run.stderr()).isZero();
        return run;
    }

    private static HttpResponse<String> post(HttpClient http, int port, String body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/chat"))
                .timeout(Duration.ofSeconds(60)).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
