package dev.ragd.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.metrics.v1.SummaryDataPoint;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * A test OTLP/HTTP receiver (collector stand-in) speaking the real wire protocol, so that end-to-end tests can point
 * a running ragd's OpenTelemetry or Micrometer exporters at it and assert on what arrived.
 *
 * <p>It listens on an ephemeral loopback port and accepts {@code POST /v1/traces}, {@code /v1/metrics} and
 * {@code /v1/logs} with {@code Content-Type: application/x-protobuf} (binary protobuf) or {@code application/json}
 * (OTLP/JSON: trace and span ids in hex, as the spec says, unknown fields ignored), optionally with
 * {@code Content-Encoding: gzip}. Each body is decoded with the official {@code opentelemetry-proto} classes, and a
 * full success is answered as the spec says: status 200 with an empty {@code Export*ServiceResponse} in the request's
 * content type. What cannot be decoded is answered 400 with a {@code google.rpc.Status} body and counted
 * ({@link #malformedCount()}), never thrown; an unknown content type or content encoding is answered 415 and counted
 * ({@link #unsupportedCount()}); another path 404, another method 405.
 *
 * <p>What was received is kept flattened: every span with its resource and scope ({@link ReceivedSpan}), every metric
 * with its data points ({@link ReceivedMetric}; each export of a metric is one entry), every log record
 * ({@link ReceivedLog}), and every request ({@link Request}). The {@code await*} methods poll nothing: they wait
 * on what the server thread hands over, and fail with an {@link AssertionError} that lists what did arrive.
 *
 * <pre>{@code
 * try (OtlpReceiver otlp = OtlpReceiver.start()) {
 *     ... point the exporter at otlp.endpoint() (OTEL_EXPORTER_OTLP_ENDPOINT) or otlp.tracesUrl() ...
 *     List<ReceivedSpan> spans = otlp.awaitSpans(s -> s.name().equals("chat"), Duration.ofSeconds(10));
 *     ReceivedMetric m = otlp.awaitMetric("ragd.chat.requests", Duration.ofSeconds(10));
 * }
 * }</pre>
 */
public final class OtlpReceiver implements AutoCloseable {

    public static final String TRACES_PATH = "/v1/traces";
    public static final String METRICS_PATH = "/v1/metrics";
    public static final String LOGS_PATH = "/v1/logs";

    private static final String PROTOBUF = "application/x-protobuf";
    private static final String JSON = "application/json";
    /** Bodies beyond this (after decompression) are refused: a test receiver must not be made to hold gigabytes. */
    private static final int MAX_BODY_BYTES = 64 << 20;
    private static final Set<String> ID_FIELDS = Set.of("traceId", "spanId", "parentSpanId", "trace_id", "span_id",
            "parent_span_id");
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final HttpServer server;
    private final ExecutorService executor;
    private final String endpoint;

    // Guarded by `this`; every change notifies the waiters.
    private final List<ReceivedSpan> spans = new ArrayList<>();
    private final List<ReceivedMetric> metrics = new ArrayList<>();
    private final List<ReceivedLog> logs = new ArrayList<>();
    private final List<Request> requests = new ArrayList<>();
    private final List<String> errors = new ArrayList<>();
    private int malformed;
    private int unsupported;

    private OtlpReceiver() throws IOException {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        server = HttpServer.create(new InetSocketAddress(loopback, 0), 0);
        executor = Executors.newVirtualThreadPerTaskExecutor();
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
        String host = loopback.getHostAddress();
        if (host.contains(":")) host = "[" + host + "]";
        endpoint = "http://" + host + ":" + server.getAddress().getPort();
    }

    /** Starts a receiver on an ephemeral loopback port. */
    public static OtlpReceiver start() {
        try {
            return new OtlpReceiver();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the OTLP receiver", e);
        }
    }

    /** The base URL, e.g. {@code http://127.0.0.1:41234}: what OTEL_EXPORTER_OTLP_ENDPOINT takes for http/protobuf. */
    public String endpoint() {
        return endpoint;
    }

    public String tracesUrl() {
        return endpoint + TRACES_PATH;
    }

    public String metricsUrl() {
        return endpoint + METRICS_PATH;
    }

    public String logsUrl() {
        return endpoint + LOGS_PATH;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    // ---- what was received -------------------------------------------------------------------------------------

    public synchronized List<ReceivedSpan> spans() {
        return List.copyOf(spans);
    }

    /** Every export of every metric, in arrival order (a periodic reader exports the same metric again each time). */
    public synchronized List<ReceivedMetric> metrics() {
        return List.copyOf(metrics);
    }

    /** Every export of the metric with this name, in arrival order. */
    public synchronized List<ReceivedMetric> metrics(String name) {
        return metrics.stream().filter(m -> m.name().equals(name)).toList();
    }

    /** The distinct names of the metrics received so far. */
    public synchronized Set<String> metricNames() {
        return metrics.stream().map(ReceivedMetric::name).collect(Collectors.toCollection(java.util.TreeSet::new));
    }

    public synchronized List<ReceivedLog> logs() {
        return List.copyOf(logs);
    }

    /** Every request, answered or refused, in arrival order. */
    public synchronized List<Request> requests() {
        return List.copyOf(requests);
    }

    /** Requests answered 400 because their body could not be decoded (bad protobuf, bad JSON, bad gzip). */
    public synchronized int malformedCount() {
        return malformed;
    }

    /** Requests answered 415: a content type or content encoding this receiver does not speak. */
    public synchronized int unsupportedCount() {
        return unsupported;
    }

    /** Why each 400 or 415 was given, in arrival order. */
    public synchronized List<String> errors() {
        return List.copyOf(errors);
    }

    /** Forgets everything received so far (the server keeps running). */
    public synchronized void clear() {
        spans.clear();
        metrics.clear();
        logs.clear();
        requests.clear();
        errors.clear();
        malformed = 0;
        unsupported = 0;
    }

    // ---- waiting -------------------------------------------------------------------------------------------------

    /** Waits until at least one received span matches, and returns all that match then. */
    public List<ReceivedSpan> awaitSpans(Predicate<? super ReceivedSpan> predicate, Duration timeout) {
        return awaitSpans(predicate, 1, timeout);
    }

    /** Waits until at least {@code count} received spans match, and returns all that match then. */
    public List<ReceivedSpan> awaitSpans(Predicate<? super ReceivedSpan> predicate, int count, Duration timeout) {
        return await(() -> {
            List<ReceivedSpan> hits = spans.stream().filter(predicate).toList();
            return hits.size() >= count ? hits : null;
        }, timeout, () -> "at least " + count + " matching span(s); received " + spans.size() + ": "
                + spans.stream().map(s -> s.serviceName() + "/" + s.name()).toList());
    }

    /** Waits until a metric of this name has arrived, and returns its latest export. */
    public ReceivedMetric awaitMetric(String name, Duration timeout) {
        return awaitMetric(name, m -> true, timeout);
    }

    /**
     * Waits until an export of the metric of this name matches (e.g. {@code m -> m.sum() >= 3}: a periodic reader may
     * export before the test's last increment), and returns the latest one that does.
     */
    public ReceivedMetric awaitMetric(String name, Predicate<? super ReceivedMetric> predicate, Duration timeout) {
        return await(() -> {
            ReceivedMetric hit = null;
            for (ReceivedMetric m : metrics) {
                if (m.name().equals(name) && predicate.test(m)) hit = m;
            }
            return hit;
        }, timeout, () -> "metric '" + name + "' (matching); received " + metricNames());
    }

    /** Waits until at least one received log record matches, and returns all that match then. */
    public List<ReceivedLog> awaitLogs(Predicate<? super ReceivedLog> predicate, Duration timeout) {
        return await(() -> {
            List<ReceivedLog> hits = logs.stream().filter(predicate).toList();
            return hits.isEmpty() ? null : hits;
        }, timeout, () -> "a matching log record; received " + logs.size() + ": "
                + logs.stream().map(ReceivedLog::body).toList());
    }

    /** Waits until at least {@code count} requests have been answered or refused. */
    public List<Request> awaitRequests(int count, Duration timeout) {
        return await(() -> requests.size() >= count ? List.copyOf(requests) : null, timeout,
                () -> count + " request(s); received " + requests);
    }

    private interface Check<T> {
        T get();
    }

    private synchronized <T> T await(Check<T> check, Duration timeout, java.util.function.Supplier<String> wanted) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            T result = check.get();
            if (result != null) return result;
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("OTLP receiver at " + endpoint + " waited " + timeout + " for " + wanted.get()
                        + (errors.isEmpty() ? "" : "; refused: " + errors));
            }
            try {
                wait(Math.max(1, left / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for " + wanted.get(), e);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    // ---- HTTP ----------------------------------------------------------------------------------------------------

    /**
     * What to answer, and what to keep: kept (under the lock, with the request itself) before the answer goes out,
     * so that whoever saw the answer, and whoever waits, sees everything the request brought.
     */
    private record Reply(int status, String contentType, byte[] body, String error, Runnable keep) {}

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            String path = exchange.getRequestURI().getPath();
            String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
            String encoding = exchange.getRequestHeaders().getFirst("Content-Encoding");
            String userAgent = exchange.getRequestHeaders().getFirst("User-Agent");
            byte[] raw = readAll(exchange.getRequestBody(), MAX_BODY_BYTES);
            Kind kind = switch (path) {
                case TRACES_PATH -> Kind.TRACES;
                case METRICS_PATH -> Kind.METRICS;
                case LOGS_PATH -> Kind.LOGS;
                default -> null;
            };
            Reply reply;
            if (kind == null) {
                reply = new Reply(404, "text/plain", bytes("no OTLP signal at " + path), null, null);
            } else if (!"POST".equals(method)) {
                exchange.getResponseHeaders().set("Allow", "POST");
                reply = new Reply(405, "text/plain", bytes("OTLP/HTTP takes POST"), null, null);
            } else {
                reply = export(kind, mediaType(contentType), encoding, raw);
            }
            synchronized (this) {
                if (reply.keep() != null) reply.keep().run();
                if (reply.status() == 400) malformed++;
                if (reply.status() == 415) unsupported++;
                if (reply.error() != null) errors.add(reply.status() + " " + reply.error());
                requests.add(new Request(method, path, contentType, encoding, userAgent, raw == null ? -1
                        : raw.length, reply.status()));
                notifyAll();
            }
            exchange.getResponseHeaders().set("Content-Type", reply.contentType());
            exchange.sendResponseHeaders(reply.status(), reply.body().length == 0 ? -1 : reply.body().length);
            if (reply.body().length > 0) exchange.getResponseBody().write(reply.body());
        }
    }

    private Reply export(Kind kind, String mediaType, String encoding, byte[] raw) throws IOException {
        boolean json = JSON.equals(mediaType);
        if (!json && !PROTOBUF.equals(mediaType)) {
            return refuse(415, PROTOBUF, "unsupported Content-Type '" + mediaType + "' at " + kind.path
                    + " (takes " + PROTOBUF + " or " + JSON + ")");
        }
        String responseType = json ? JSON : PROTOBUF;
        String enc = encoding == null ? "identity" : encoding.trim().toLowerCase(Locale.ROOT);
        if (!enc.equals("identity") && !enc.equals("gzip") && !enc.isEmpty()) {
            return refuse(415, responseType, "unsupported Content-Encoding '" + encoding + "'");
        }
        if (raw == null) {
            return refuse(400, responseType, "body larger than " + MAX_BODY_BYTES + " bytes");
        }
        byte[] body = raw;
        if (enc.equals("gzip")) {
            try {
                body = readAll(new GZIPInputStream(new ByteArrayInputStream(raw)), MAX_BODY_BYTES);
            } catch (ZipException | java.io.EOFException e) {
                return refuse(400, responseType, "bad gzip body at " + kind.path + ": " + e.getMessage());
            }
            if (body == null) {
                return refuse(400, responseType, "body larger than " + MAX_BODY_BYTES + " bytes unzipped");
            }
        }
        Message.Builder builder = switch (kind) {
            case TRACES -> ExportTraceServiceRequest.newBuilder();
            case METRICS -> ExportMetricsServiceRequest.newBuilder();
            case LOGS -> ExportLogsServiceRequest.newBuilder();
        };
        try {
            if (json) {
                JsonFormat.parser().ignoringUnknownFields().merge(hexIdsToBase64(body), builder);
            } else {
                builder.mergeFrom(body);
            }
        } catch (InvalidProtocolBufferException | RuntimeException e) {
            // JsonFormat reports most bad JSON as InvalidProtocolBufferException, some bad values as unchecked
            return refuse(400, responseType, "undecodable " + (json ? "OTLP/JSON" : "OTLP protobuf") + " body at "
                    + kind.path + ": " + e.getMessage());
        }
        Message request = builder.build();
        Runnable keep = switch (kind) {
            case TRACES -> keeping(spans, flatten((ExportTraceServiceRequest) request));
            case METRICS -> keeping(metrics, flatten((ExportMetricsServiceRequest) request));
            case LOGS -> keeping(logs, flatten((ExportLogsServiceRequest) request));
        };
        Message response = switch (kind) {
            case TRACES -> ExportTraceServiceResponse.getDefaultInstance();
            case METRICS -> ExportMetricsServiceResponse.getDefaultInstance();
            case LOGS -> ExportLogsServiceResponse.getDefaultInstance();
        };
        byte[] answer = json ? bytes(JsonFormat.printer().print(response)) : response.toByteArray();
        return new Reply(200, responseType, answer, null, keep);
    }

    private static <T> Runnable keeping(List<T> into, List<T> got) {
        return () -> into.addAll(got);
    }

    private static Reply refuse(int status, String responseType, String why) throws IOException {
        return new Reply(status, responseType, status(responseType, 3 /* INVALID_ARGUMENT */, why), why, null);
    }

    /** A {@code google.rpc.Status} (code, message), the body the spec gives a refused request. */
    private static byte[] status(String responseType, int code, String message) throws IOException {
        if (JSON.equals(responseType)) {
            return MAPPER.writeValueAsBytes(Map.of("code", code, "message", message));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CodedOutputStream coded = CodedOutputStream.newInstance(out);
        coded.writeInt32(1, code);
        coded.writeString(2, message);
        coded.flush();
        return out.toByteArray();
    }

    private static String mediaType(String contentType) {
        if (contentType == null) return "";
        int semi = contentType.indexOf(';');
        return (semi < 0 ? contentType : contentType.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
    }

    /** All of {@code in}, or null past {@code limit} bytes. */
    private static byte[] readAll(InputStream in, int limit) throws IOException {
        byte[] bytes = in.readNBytes(limit + 1);
        return bytes.length > limit ? null : bytes;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * OTLP/JSON writes trace and span ids as hex, where the protobuf JSON mapping (JsonFormat) expects base64 for
     * bytes fields; rewrite them so JsonFormat reads them. Anything that is not JSON is left for JsonFormat to refuse.
     */
    private static String hexIdsToBase64(byte[] body) {
        String text = new String(body, StandardCharsets.UTF_8);
        JsonNode root;
        try {
            root = MAPPER.readTree(text);
        } catch (IOException e) {
            return text;
        }
        if (root == null) return text;
        rewriteIds(root);
        return root.toString();
    }

    private static void rewriteIds(JsonNode node) {
        if (node instanceof ObjectNode object) {
            for (Map.Entry<String, JsonNode> field : object.properties()) {
                JsonNode value = field.getValue();
                if (ID_FIELDS.contains(field.getKey()) && value.isTextual()) {
                    String hex = value.textValue();
                    if (!hex.isEmpty() && hex.length() % 2 == 0 && hex.chars().allMatch(
                            c -> Character.digit(c, 16) >= 0)) {
                        field.setValue(TextNode.valueOf(Base64.getEncoder().encodeToString(HexFormat.of()
                                .parseHex(hex))));
                    }
                } else {
                    rewriteIds(value);
                }
            }
        } else if (node instanceof ArrayNode array) {
            array.forEach(OtlpReceiver::rewriteIds);
        }
    }

    // ---- flattening ----------------------------------------------------------------------------------------------

    private static List<ReceivedSpan> flatten(ExportTraceServiceRequest request) {
        List<ReceivedSpan> got = new ArrayList<>();
        for (ResourceSpans rs : request.getResourceSpansList()) {
            Map<String, Object> resource = attributes(rs.getResource().getAttributesList());
            for (ScopeSpans ss : rs.getScopeSpansList()) {
                for (Span span : ss.getSpansList()) got.add(new ReceivedSpan(span, resource, ss.getScope()));
            }
        }
        return got;
    }

    private static List<ReceivedMetric> flatten(ExportMetricsServiceRequest request) {
        List<ReceivedMetric> got = new ArrayList<>();
        for (ResourceMetrics rm : request.getResourceMetricsList()) {
            Map<String, Object> resource = attributes(rm.getResource().getAttributesList());
            for (ScopeMetrics sm : rm.getScopeMetricsList()) {
                for (Metric metric : sm.getMetricsList()) got.add(new ReceivedMetric(metric, resource, sm.getScope()));
            }
        }
        return got;
    }

    private static List<ReceivedLog> flatten(ExportLogsServiceRequest request) {
        List<ReceivedLog> got = new ArrayList<>();
        for (ResourceLogs rl : request.getResourceLogsList()) {
            Map<String, Object> resource = attributes(rl.getResource().getAttributesList());
            for (ScopeLogs sl : rl.getScopeLogsList()) {
                for (LogRecord log : sl.getLogRecordsList()) got.add(new ReceivedLog(log, resource, sl.getScope()));
            }
        }
        return got;
    }

    /** OTLP attributes as plain Java values: String, Boolean, Long, Double, byte[], List, Map (keys in order). */
    public static Map<String, Object> attributes(List<KeyValue> keyValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (KeyValue kv : keyValues) map.put(kv.getKey(), value(kv.getValue()));
        return java.util.Collections.unmodifiableMap(map);
    }

    /** One OTLP AnyValue as a plain Java value (null when unset). */
    public static Object value(AnyValue v) {
        return switch (v.getValueCase()) {
            case STRING_VALUE -> v.getStringValue();
            case BOOL_VALUE -> v.getBoolValue();
            case INT_VALUE -> v.getIntValue();
            case DOUBLE_VALUE -> v.getDoubleValue();
            case BYTES_VALUE -> v.getBytesValue().toByteArray();
            case ARRAY_VALUE -> v.getArrayValue().getValuesList().stream().map(OtlpReceiver::value).toList();
            case KVLIST_VALUE -> attributes(v.getKvlistValue().getValuesList());
            default -> null; // unset, or a kind newer than this receiver
        };
    }

    private static String hex(com.google.protobuf.ByteString id) {
        return HexFormat.of().formatHex(id.toByteArray());
    }

    private enum Kind {
        TRACES(TRACES_PATH), METRICS(METRICS_PATH), LOGS(LOGS_PATH);

        final String path;

        Kind(String path) {
            this.path = path;
        }
    }

    // ---- received values -----------------------------------------------------------------------------------------

    /** One request as it came: content type and encoding as sent, body size as sent (-1: too large), the status. */
    public record Request(String method, String path, String contentType, String contentEncoding, String userAgent,
                          int bodyBytes, int status) {}

    /** A span with the resource attributes (service.name, ...) and instrumentation scope it was exported under. */
    public record ReceivedSpan(Span span, Map<String, Object> resource, InstrumentationScope scope) {

        public String name() {
            return span.getName();
        }

        public String serviceName() {
            return (String) resource.get("service.name");
        }

        /** 32 lower-case hex digits. */
        public String traceId() {
            return hex(span.getTraceId());
        }

        /** 16 lower-case hex digits. */
        public String spanId() {
            return hex(span.getSpanId());
        }

        /** 16 lower-case hex digits, or "" for a root span. */
        public String parentSpanId() {
            return hex(span.getParentSpanId());
        }

        public boolean isRoot() {
            return span.getParentSpanId().isEmpty();
        }

        public Span.SpanKind kind() {
            return span.getKind();
        }

        public Map<String, Object> attributes() {
            return OtlpReceiver.attributes(span.getAttributesList());
        }

        public Object attribute(String key) {
            return attributes().get(key);
        }

        public io.opentelemetry.proto.trace.v1.Status status() {
            return span.getStatus();
        }

        public List<String> eventNames() {
            return span.getEventsList().stream().map(Span.Event::getName).toList();
        }

        public Duration duration() {
            return Duration.ofNanos(span.getEndTimeUnixNano() - span.getStartTimeUnixNano());
        }
    }

    /** The shape of a metric's data. */
    public enum MetricType { GAUGE, SUM, HISTOGRAM, EXPONENTIAL_HISTOGRAM, SUMMARY, NONE }

    /**
     * One data point, flattened: {@code value} for gauges and sums (ints as doubles), {@code count} and {@code sum} for
     * histograms and summaries ({@code value} is then the sum too); explicit bounds and bucket counts for explicit
     * histograms, empty otherwise.
     */
    public record DataPoint(Map<String, Object> attributes, double value, long count, double sum,
                            List<Double> explicitBounds, List<Long> bucketCounts, long startTimeUnixNano,
                            long timeUnixNano) {

        static DataPoint of(NumberDataPoint p) {
            double v = p.getValueCase() == NumberDataPoint.ValueCase.AS_INT ? p.getAsInt() : p.getAsDouble();
            return new DataPoint(OtlpReceiver.attributes(p.getAttributesList()), v, 0, v, List.of(), List.of(),
                    p.getStartTimeUnixNano(), p.getTimeUnixNano());
        }

        static DataPoint of(HistogramDataPoint p) {
            return new DataPoint(OtlpReceiver.attributes(p.getAttributesList()), p.getSum(), p.getCount(), p.getSum(),
                    List.copyOf(p.getExplicitBoundsList()), List.copyOf(p.getBucketCountsList()),
                    p.getStartTimeUnixNano(), p.getTimeUnixNano());
        }

        static DataPoint of(ExponentialHistogramDataPoint p) {
            return new DataPoint(OtlpReceiver.attributes(p.getAttributesList()), p.getSum(), p.getCount(), p.getSum(), List.of(),
                    List.of(), p.getStartTimeUnixNano(), p.getTimeUnixNano());
        }

        static DataPoint of(SummaryDataPoint p) {
            return new DataPoint(OtlpReceiver.attributes(p.getAttributesList()), p.getSum(), p.getCount(), p.getSum(), List.of(),
                    List.of(), p.getStartTimeUnixNano(), p.getTimeUnixNano());
        }
    }

    /** One export of one metric, with the resource attributes and scope it came under. */
    public record ReceivedMetric(Metric metric, Map<String, Object> resource, InstrumentationScope scope) {

        public String name() {
            return metric.getName();
        }

        public String unit() {
            return metric.getUnit();
        }

        public String description() {
            return metric.getDescription();
        }

        public String serviceName() {
            return (String) resource.get("service.name");
        }

        public MetricType type() {
            return switch (metric.getDataCase()) {
                case GAUGE -> MetricType.GAUGE;
                case SUM -> MetricType.SUM;
                case HISTOGRAM -> MetricType.HISTOGRAM;
                case EXPONENTIAL_HISTOGRAM -> MetricType.EXPONENTIAL_HISTOGRAM;
                case SUMMARY -> MetricType.SUMMARY;
                case DATA_NOT_SET -> MetricType.NONE;
            };
        }

        public List<DataPoint> dataPoints() {
            return switch (metric.getDataCase()) {
                case GAUGE -> metric.getGauge().getDataPointsList().stream().map(DataPoint::of).toList();
                case SUM -> metric.getSum().getDataPointsList().stream().map(DataPoint::of).toList();
                case HISTOGRAM -> metric.getHistogram().getDataPointsList().stream().map(DataPoint::of).toList();
                case EXPONENTIAL_HISTOGRAM -> metric.getExponentialHistogram().getDataPointsList().stream()
                        .map(DataPoint::of).toList();
                case SUMMARY -> metric.getSummary().getDataPointsList().stream().map(DataPoint::of).toList();
                case DATA_NOT_SET -> List.of();
            };
        }

        /** The sum over all data points: a counter's total, or the summed observations of a histogram. */
        public double sum() {
            return dataPoints().stream().mapToDouble(DataPoint::sum).sum();
        }

        /** The observation count over all data points of a histogram or summary (0 for gauges and sums). */
        public long count() {
            return dataPoints().stream().mapToLong(DataPoint::count).sum();
        }

        /** For sums only: whether the metric is monotonic (a counter). */
        public boolean isMonotonic() {
            return metric.hasSum() && metric.getSum().getIsMonotonic();
        }
    }

    /** A log record with the resource attributes and scope it came under. */
    public record ReceivedLog(LogRecord log, Map<String, Object> resource, InstrumentationScope scope) {

        public String serviceName() {
            return (String) resource.get("service.name");
        }

        /** The body as text (a string body as is, another kind through its plain Java value). */
        public String body() {
            Object v = value(log.getBody());
            return v == null ? null : v.toString();
        }

        public String severityText() {
            return log.getSeverityText();
        }

        public int severityNumber() {
            return log.getSeverityNumberValue();
        }

        public Map<String, Object> attributes() {
            return OtlpReceiver.attributes(log.getAttributesList());
        }

        public String traceId() {
            return hex(log.getTraceId());
        }

        public String spanId() {
            return hex(log.getSpanId());
        }
    }
}
