package dev.ragd.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ragd.testsupport.OtlpReceiver.DataPoint;
import dev.ragd.testsupport.OtlpReceiver.MetricType;
import dev.ragd.testsupport.OtlpReceiver.ReceivedLog;
import dev.ragd.testsupport.OtlpReceiver.ReceivedMetric;
import dev.ragd.testsupport.OtlpReceiver.ReceivedSpan;
import dev.ragd.testsupport.OtlpReceiver.Request;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.Counter;
import io.micrometer.registry.otlp.OtlpConfig;
import io.micrometer.registry.otlp.OtlpMeterRegistry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.logs.Severity;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.exporter.internal.otlp.traces.TraceRequestMarshaler;
import io.opentelemetry.exporter.otlp.http.logs.OtlpHttpLogRecordExporter;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.export.HttpSenderProvider;
import io.opentelemetry.sdk.logs.SdkLoggerProvider;
import io.opentelemetry.sdk.logs.export.BatchLogRecordProcessor;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The test OTLP receiver against the real OpenTelemetry Java SDK exporters and Micrometer's OTLP registry. */
class OtlpReceiverTest {

    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final AttributeKey<String> ROUTE = AttributeKey.stringKey("ragd.route");
    private static final AttributeKey<Long> TOKENS = AttributeKey.longKey("ragd.tokens");

    private OtlpReceiver otlp;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeEach
    void start() {
        otlp = OtlpReceiver.start();
    }

    @AfterEach
    void stop() {
        otlp.close();
        http.close();
    }

    private static Resource resource(String service) {
        return Resource.getDefault().merge(Resource.create(Attributes.of(AttributeKey.stringKey("service.name"),
                service)));
    }

    @Test
    void endpointIsAnEphemeralLoopbackPort() {
        assertThat(otlp.endpoint()).matches("http://127\\.0\\.0\\.1:\\d+").isEqualTo("http://127.0.0.1:" + otlp.port());
        assertThat(otlp.port()).isPositive();
        assertThat(otlp.tracesUrl()).isEqualTo(otlp.endpoint() + "/v1/traces");
        assertThat(otlp.metricsUrl()).isEqualTo(otlp.endpoint() + "/v1/metrics");
        assertThat(otlp.logsUrl()).isEqualTo(otlp.endpoint() + "/v1/logs");
    }

    @Test
    void theSdkExportersSendThroughTheJdkHttpClientNotOkHttp() {
        List<String> senders = ServiceLoader.load(HttpSenderProvider.class).stream()
                .map(p -> p.type().getName()).toList();
        assertThat(senders).containsExactly("io.opentelemetry.exporter.sender.jdk.internal.JdkHttpSenderProvider");
    }

    @Test
    void receivesAParentAndChildSpanFromTheSdkExporter() {
        SdkTracerProvider provider = SdkTracerProvider.builder()
                .setResource(resource("ragd-otlp-test"))
                .addSpanProcessor(BatchSpanProcessor.builder(OtlpHttpSpanExporter.builder()
                        .setEndpoint(otlp.tracesUrl()).build()).build())
                .build();
        try {
            Tracer tracer = provider.get("dev.ragd.test", "1.2.3");
            Span parent = tracer.spanBuilder("chat").setSpanKind(SpanKind.SERVER).setAttribute(ROUTE, "/chat")
                    .startSpan();
            try (Scope ignored = parent.makeCurrent()) {
                Span child = tracer.spanBuilder("retrieve").setAttribute(TOKENS, 42L).startSpan();
                child.addEvent("hits");
                child.end();
            }
            parent.end();
            assertThat(provider.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();

            String traceId = parent.getSpanContext().getTraceId();
            List<ReceivedSpan> got = otlp.awaitSpans(s -> s.traceId().equals(traceId), 2, WAIT);
            assertThat(got).extracting(ReceivedSpan::name).containsExactlyInAnyOrder("chat", "retrieve");
            ReceivedSpan chat = got.stream().filter(s -> s.name().equals("chat")).findFirst().orElseThrow();
            ReceivedSpan retrieve = got.stream().filter(s -> s.name().equals("retrieve")).findFirst().orElseThrow();

            assertThat(chat.isRoot()).isTrue();
            assertThat(chat.parentSpanId()).isEmpty();
            assertThat(chat.spanId()).isEqualTo(parent.getSpanContext().getSpanId());
            assertThat(chat.kind()).isEqualTo(io.opentelemetry.proto.trace.v1.Span.SpanKind.SPAN_KIND_SERVER);
            assertThat(chat.attributes()).containsEntry("ragd.route", "/chat");
            assertThat(retrieve.parentSpanId()).isEqualTo(chat.spanId());
            assertThat(retrieve.traceId()).isEqualTo(chat.traceId()).hasSize(32);
            assertThat(retrieve.attribute("ragd.tokens")).isEqualTo(42L);
            assertThat(retrieve.eventNames()).containsExactly("hits");
            for (ReceivedSpan s : got) {
                assertThat(s.serviceName()).isEqualTo("ragd-otlp-test");
                assertThat(s.resource()).containsEntry("telemetry.sdk.language", "java");
                assertThat(s.scope().getName()).isEqualTo("dev.ragd.test");
                assertThat(s.scope().getVersion()).isEqualTo("1.2.3");
            }
            Request request = otlp.requests().getFirst();
            assertThat(request.path()).isEqualTo("/v1/traces");
            assertThat(request.contentType()).isEqualTo("application/x-protobuf");
            assertThat(request.status()).isEqualTo(200);
            assertThat(request.userAgent()).startsWith("OTel-OTLP-Exporter-Java/");
            assertThat(otlp.malformedCount()).isZero();
        } finally {
            provider.shutdown().join(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void receivesACounterAndAHistogramFromTheSdkExporter() {
        SdkMeterProvider provider = SdkMeterProvider.builder()
                .setResource(resource("ragd-otlp-test"))
                .registerMetricReader(PeriodicMetricReader.builder(OtlpHttpMetricExporter.builder()
                        .setEndpoint(otlp.metricsUrl()).build()).setInterval(Duration.ofHours(1)).build())
                .build();
        try {
            Meter meter = provider.get("dev.ragd.test");
            LongCounter counter = meter.counterBuilder("ragd.test.requests").setUnit("{request}")
                    .setDescription("requests").build();
            DoubleHistogram histogram = meter.histogramBuilder("ragd.test.latency").setUnit("ms").build();
            counter.add(2, Attributes.of(ROUTE, "/chat"));
            counter.add(1, Attributes.of(ROUTE, "/chat"));
            counter.add(5, Attributes.of(ROUTE, "/ws"));
            histogram.record(4);
            histogram.record(16);
            histogram.record(300);
            assertThat(provider.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();

            ReceivedMetric requests = otlp.awaitMetric("ragd.test.requests", WAIT);
            assertThat(requests.type()).isEqualTo(MetricType.SUM);
            assertThat(requests.isMonotonic()).isTrue();
            assertThat(requests.unit()).isEqualTo("{request}");
            assertThat(requests.description()).isEqualTo("requests");
            assertThat(requests.serviceName()).isEqualTo("ragd-otlp-test");
            assertThat(requests.scope().getName()).isEqualTo("dev.ragd.test");
            assertThat(requests.sum()).isEqualTo(8.0);
            assertThat(requests.dataPoints()).extracting(p -> p.attributes().get("ragd.route"), DataPoint::value)
                    .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("/chat", 3.0),
                            org.assertj.core.groups.Tuple.tuple("/ws", 5.0));

            ReceivedMetric latency = otlp.awaitMetric("ragd.test.latency", WAIT);
            assertThat(latency.type()).isEqualTo(MetricType.HISTOGRAM);
            assertThat(latency.count()).isEqualTo(3);
            assertThat(latency.sum()).isEqualTo(320.0);
            DataPoint point = latency.dataPoints().getFirst();
            assertThat(point.explicitBounds()).isNotEmpty();
            assertThat(point.bucketCounts()).hasSize(point.explicitBounds().size() + 1);
            assertThat(point.bucketCounts().stream().mapToLong(Long::longValue).sum()).isEqualTo(3);
            assertThat(otlp.metricNames()).contains("ragd.test.requests", "ragd.test.latency");
        } finally {
            provider.shutdown().join(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void receivesALogRecordFromTheSdkExporter() {
        SdkLoggerProvider provider = SdkLoggerProvider.builder()
                .setResource(resource("ragd-otlp-test"))
                .addLogRecordProcessor(BatchLogRecordProcessor.builder(OtlpHttpLogRecordExporter.builder()
                        .setEndpoint(otlp.logsUrl()).build()).build())
                .build();
        try {
            provider.get("dev.ragd.test").logRecordBuilder().setBody("ragd is serving").setSeverity(Severity.INFO)
                    .setSeverityText("INFO").setAttribute(ROUTE, "/chat").emit();
            assertThat(provider.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();

            ReceivedLog log = otlp.awaitLogs(l -> "ragd is serving".equals(l.body()), WAIT).getFirst();
            assertThat(log.serviceName()).isEqualTo("ragd-otlp-test");
            assertThat(log.severityText()).isEqualTo("INFO");
            assertThat(log.severityNumber()).isEqualTo(Severity.INFO.getSeverityNumber());
            assertThat(log.attributes()).containsEntry("ragd.route", "/chat");
        } finally {
            provider.shutdown().join(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void acceptsGzipBodiesFromTheSdkExporter() {
        SdkTracerProvider provider = SdkTracerProvider.builder()
                .setResource(resource("ragd-gzip"))
                .addSpanProcessor(BatchSpanProcessor.builder(OtlpHttpSpanExporter.builder()
                        .setEndpoint(otlp.tracesUrl()).setCompression("gzip").build()).build())
                .build();
        try {
            provider.get("dev.ragd.test").spanBuilder("zipped").setAttribute(ROUTE, "x".repeat(2000)).startSpan()
                    .end();
            assertThat(provider.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();

            ReceivedSpan span = otlp.awaitSpans(s -> s.name().equals("zipped"), WAIT).getFirst();
            assertThat(span.serviceName()).isEqualTo("ragd-gzip");
            assertThat(span.attribute("ragd.route")).isEqualTo("x".repeat(2000));
            Request request = otlp.requests().getFirst();
            assertThat(request.contentEncoding()).isEqualTo("gzip");
            assertThat(request.bodyBytes()).isLessThan(1000); // it really came compressed
            assertThat(request.status()).isEqualTo(200);
        } finally {
            provider.shutdown().join(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void answersTheSpecsSuccessResponse() throws Exception {
        byte[] emptyRequest = new byte[0]; // an ExportTraceServiceRequest with no spans, as protobuf
        HttpResponse<byte[]> response = post("/v1/traces", "application/x-protobuf", null, emptyRequest);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/x-protobuf");
        assertThat(ExportTraceServiceResponse.parseFrom(response.body()))
                .isEqualTo(ExportTraceServiceResponse.getDefaultInstance());
        assertThat(ExportTraceServiceResponse.parseFrom(response.body()).hasPartialSuccess()).isFalse();
    }

    @Test
    void acceptsOtlpJsonWithHexIds() throws Exception {
        // the SDK's own OTLP/JSON encoder (what its exporters send when configured for http/json)
        List<SpanData> finished = new ArrayList<>();
        SdkTracerProvider provider = SdkTracerProvider.builder().setResource(resource("ragd-json"))
                .addSpanProcessor(SimpleSpanProcessor.create(new Collecting(finished))).build();
        Span parent = provider.get("dev.ragd.test").spanBuilder("parent").startSpan();
        provider.get("dev.ragd.test").spanBuilder("child").setParent(io.opentelemetry.context.Context.current()
                .with(parent)).setAttribute(TOKENS, 7L).startSpan().end();
        parent.end();
        provider.shutdown().join(10, TimeUnit.SECONDS);
        ByteArrayOutputStream json = new ByteArrayOutputStream();
        TraceRequestMarshaler.create(finished).writeJsonTo(json);
        assertThat(json.toString(StandardCharsets.UTF_8)).contains(parent.getSpanContext().getSpanId());

        HttpResponse<byte[]> response = post("/v1/traces", "application/json", null, json.toByteArray());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(new String(response.body(), StandardCharsets.UTF_8)).isEqualToIgnoringWhitespace("{}");

        List<ReceivedSpan> got = otlp.awaitSpans(s -> s.serviceName().equals("ragd-json"), 2, WAIT);
        ReceivedSpan child = got.stream().filter(s -> s.name().equals("child")).findFirst().orElseThrow();
        assertThat(child.traceId()).isEqualTo(parent.getSpanContext().getTraceId());
        assertThat(child.parentSpanId()).isEqualTo(parent.getSpanContext().getSpanId());
        assertThat(child.attribute("ragd.tokens")).isEqualTo(7L);
    }

    @Test
    void aMalformedBodyGets400AndIsCountedNotThrown() throws Exception {
        byte[] truncated = {0x0A, 0x05, 0x01}; // field 1, length 5, then only one byte
        HttpResponse<byte[]> bad = post("/v1/traces", "application/x-protobuf", null, truncated);
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(new String(bad.body(), StandardCharsets.ISO_8859_1)).contains("undecodable");

        assertThat(post("/v1/metrics", "application/json", null, bytes("{not json")).statusCode()).isEqualTo(400);
        assertThat(post("/v1/logs", "application/json", null, bytes("{\"resourceLogs\": 3}")).statusCode())
                .isEqualTo(400);
        assertThat(post("/v1/traces", "application/x-protobuf", "gzip", bytes("not gzip")).statusCode())
                .isEqualTo(400);
        assertThat(otlp.malformedCount()).isEqualTo(4);
        assertThat(otlp.errors()).hasSize(4).allMatch(e -> e.startsWith("400 "));
        assertThat(otlp.spans()).isEmpty();

        // and it still takes good ones
        assertThat(post("/v1/traces", "application/x-protobuf", "gzip", gzip(new byte[0])).statusCode())
                .isEqualTo(200);
    }

    @Test
    void refusesWhatItDoesNotSpeak() throws Exception {
        assertThat(post("/v1/traces", "text/plain", null, bytes("hi")).statusCode()).isEqualTo(415);
        assertThat(post("/v1/traces", "application/x-protobuf", "br", new byte[0]).statusCode()).isEqualTo(415);
        assertThat(otlp.unsupportedCount()).isEqualTo(2);
        assertThat(post("/v1/profiles", "application/x-protobuf", null, new byte[0]).statusCode()).isEqualTo(404);
        HttpResponse<byte[]> get = http.send(HttpRequest.newBuilder(URI.create(otlp.tracesUrl())).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(get.statusCode()).isEqualTo(405);
        assertThat(otlp.malformedCount()).isZero();
        assertThat(otlp.awaitRequests(4, WAIT)).extracting(Request::status).containsExactly(415, 415, 404, 405);
    }

    @Test
    void awaitingWhatNeverComesFailsWithWhatDid() {
        assertThatThrownBy(() -> otlp.awaitMetric("never", Duration.ofMillis(100)))
                .isInstanceOf(AssertionError.class).hasMessageContaining("never");
        assertThatThrownBy(() -> otlp.awaitSpans(s -> true, Duration.ofMillis(100)))
                .isInstanceOf(AssertionError.class).hasMessageContaining("received 0");
    }

    @Test
    void micrometersOtlpRegistryPushesToTheReceiver() {
        Map<String, String> config = Map.of(
                "otlp.url", otlp.metricsUrl(),
                "otlp.step", "1s",
                "otlp.resourceAttributes", "service.name=ragd-micrometer");
        OtlpMeterRegistry registry = new OtlpMeterRegistry((OtlpConfig) config::get, Clock.SYSTEM);
        try {
            Counter counter = Counter.builder("ragd.test.pushed").tag("route", "/chat").register(registry);
            counter.increment(2);

            ReceivedMetric pushed = otlp.awaitMetric("ragd.test.pushed", m -> m.sum() >= 2, WAIT);
            assertThat(pushed.serviceName()).isEqualTo("ragd-micrometer");
            assertThat(pushed.type()).isEqualTo(MetricType.SUM);
            assertThat(pushed.isMonotonic()).isTrue();
            assertThat(pushed.dataPoints()).singleElement()
                    .satisfies(p -> assertThat(p.attributes()).containsEntry("route", "/chat"));
            assertThat(otlp.requests()).allSatisfy(r -> {
                assertThat(r.path()).isEqualTo("/v1/metrics");
                assertThat(r.status()).isEqualTo(200);
            });
        } finally {
            registry.close();
        }
    }

    // ---- helpers -------------------------------------------------------------------------------------------------

    private HttpResponse<byte[]> post(String path, String contentType, String encoding, byte[] body)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(otlp.endpoint() + path))
                .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (encoding != null) request.header("Content-Encoding", encoding);
        return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] gzip(byte[] raw) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream zip = new GZIPOutputStream(out)) {
            zip.write(raw);
        }
        return out.toByteArray();
    }

    /** Keeps the finished spans, to feed the SDK's OTLP/JSON encoder. */
    private record Collecting(List<SpanData> into) implements SpanExporter {
        @Override
        public CompletableResultCode export(Collection<SpanData> spans) {
            into.addAll(spans);
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode flush() {
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode shutdown() {
            return CompletableResultCode.ofSuccess();
        }
    }
}
