package dev.ragd.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.ragd.chatlog.ChatRecord;
import dev.ragd.testsupport.Await;
import dev.ragd.testsupport.OtlpReceiver;
import dev.ragd.testsupport.OtlpReceiver.ReceivedSpan;
import dev.ragd.testsupport.RecordedLog;
import dev.ragd.testsupport.RunningApp;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Traces from a running server to a real OTLP/HTTP receiver (protobuf): one server span per chat on
 * each protocol with its children, the caller's {@code traceparent} as parent, the trace id in the
 * chat-log record and in the request's log lines; metrics pushed over OTLP too.
 */
class TracingE2ETest {

    private static final Duration WAIT = Duration.ofSeconds(15);
    private static OtlpReceiver receiver;
    private static RunningApp app;

    @BeforeAll
    static void start() {
        receiver = OtlpReceiver.start();
        app = RunningApp.start(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", receiver.endpoint(),
                "OTEL_BSP_SCHEDULE_DELAY", "100", "OTEL_METRIC_EXPORT_INTERVAL", "1000",
                "OTEL_SERVICE_NAME", "ragd-under-test"));
    }

    @AfterAll
    static void stop() throws Exception {
        app.close();
        receiver.close();
    }

    @Test
    void anHttpChatIsOneServerSpanUnderTheCallersTraceWithRewriteRetrievalEmbeddingAndChatLogChildren()
            throws Exception {
        String trace = "4bf92f3577b34da6a3ce929d0e0e4736";
        String parent = "00f067aa0ba902b7";
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(app.baseUrl()
                        + "/v1/chat")).header("content-type", "application/json")
                .header("traceparent", "00-" + trace + "-" + parent + "-01")
                .POST(HttpRequest.BodyPublishers.ofString(NativeSocketE2ETest.request("t-http", BookSocketE2ETest.QUESTION)
                        .put("stream", false).encode())).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        String logId = new JsonObject(r.body()).getString("log_id");

        ReceivedSpan server = serverSpan("http", logId);
        assertThat(server.traceId()).isEqualTo(trace);
        assertThat(server.parentSpanId()).isEqualTo(parent);
        assertThat(server.serviceName()).isEqualTo("ragd-under-test");
        assertThat(server.attribute("ragd.outcome")).isEqualTo("completed");
        assertThat(server.attributes()).doesNotContainKeys("ragd.question", "user.email");
        assertTree(server);
        Await.until(() -> app.record(logId).isPresent());
        assertThat(app.record(logId).map(ChatRecord::traceId)).contains(trace);
    }

    @Test
    void eachWebSocketChatIsItsOwnServerSpanAndTheUpgradesTraceparentIsItsParent() throws Exception {
        String trace = "0af7651916cd43dd8448eb211c80319c";
        String parent = "b7ad6b7169203331";
        try (RecordedLog logs = RecordedLog.start()) {
            WebSocketClient client = app.clientVertx().createWebSocketClient();
            WebSocket ws = client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(app.port())
                    .setURI("/v1/chat").addHeader("traceparent", "00-" + trace + "-" + parent + "-01"))
                    .await(10, TimeUnit.SECONDS);
            CompletableFuture<String> end = new CompletableFuture<>();
            ws.textMessageHandler(t -> {
                JsonObject f = new JsonObject(t);
                if ("end".equals(f.getString("type"))) {
                    end.complete(f.getString("log_id"));
                }
            });
            ws.writeTextMessage(NativeSocketE2ETest.request("t-ws", BookSocketE2ETest.QUESTION).encode());
            String logId = end.get(20, TimeUnit.SECONDS);
            ws.close().await(10, TimeUnit.SECONDS);

            ReceivedSpan server = serverSpan("ws_native", logId);
            assertThat(server.traceId()).isEqualTo(trace);
            assertThat(server.parentSpanId()).isEqualTo(parent);
            assertTree(server);
            List<ILoggingEvent> steps = logs.events().stream()
                    .filter(e -> logId.equals(RecordedLog.value(e, "log_id"))).toList();
            assertThat(steps).isNotEmpty().allSatisfy(e -> assertThat(RecordedLog.value(e, "trace_id")).isEqualTo(trace));
        }

        WebSocketClient book = app.clientVertx().createWebSocketClient();
        WebSocket ws = book.connect(app.port(), "127.0.0.1", "/").await(10, TimeUnit.SECONDS);
        CompletableFuture<Void> closed = new CompletableFuture<>();
        ws.closeHandler(v -> closed.complete(null));
        ws.writeTextMessage(new JsonObject().put("chat_history", new JsonArray()
                .add("user_question: " + BookSocketE2ETest.QUESTION)).encode());
        closed.get(20, TimeUnit.SECONDS);
        ReceivedSpan bookSpan = receiver.awaitSpans(s -> s.name().equals("chat.request")
                && "ws_book".equals(s.attribute("ragd.protocol")), WAIT).getFirst();
        assertThat(bookSpan.isRoot()).as("no traceparent: a new trace").isTrue();
        assertTree(bookSpan);
    }

    @Test
    void metricsArePushedOverOtlpWithTheServiceName() {
        receiver.awaitMetric("jvm.memory.used", WAIT);
        assertThat(receiver.metricNames()).contains("process.cpu.usage");
    }

    private static ReceivedSpan serverSpan(String protocol, String logId) {
        return receiver.awaitSpans(s -> s.name().equals("chat.request") && logId.equals(s.attribute("ragd.log_id"))
                && protocol.equals(s.attribute("ragd.protocol")), WAIT).getFirst();
    }

    /** rewrite, retrieval (with its embedding) and chatlog.write under the server span, all in its trace. */
    private static void assertTree(ReceivedSpan server) {
        List<ReceivedSpan> children = receiver.awaitSpans(s -> server.spanId().equals(s.parentSpanId()), 3, WAIT);
        assertThat(children).extracting(ReceivedSpan::name).contains("rewrite", "retrieval", "chatlog.write");
        ReceivedSpan retrieval = children.stream().filter(s -> s.name().equals("retrieval")).findFirst().orElseThrow();
        assertThat(retrieval.attribute("gen_ai.operation.name")).isEqualTo("retrieval");
        assertThat(retrieval.traceId()).isEqualTo(server.traceId());
        ReceivedSpan embedding = receiver.awaitSpans(s -> retrieval.spanId().equals(s.parentSpanId()), WAIT).getFirst();
        assertThat(embedding.attribute("gen_ai.operation.name")).isEqualTo("embeddings");
        assertThat(embedding.name()).startsWith("embeddings ");
        ReceivedSpan write = children.stream().filter(s -> s.name().equals("chatlog.write")).findFirst().orElseThrow();
        assertThat(write.attribute("ragd.chatlog.kept")).isEqualTo("stored");
    }
}
