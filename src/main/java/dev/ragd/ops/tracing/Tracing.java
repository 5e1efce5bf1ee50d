package dev.ragd.ops.tracing;

import dev.ragd.config.ObservabilityConfig;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OpenTelemetry SDK for traces, configured by the standard {@code OTEL_*} variables as ragd
 * read them (not by looking at the process again), exporting over OTLP/HTTP. Metrics and logs
 * do not go through it (Micrometer pushes metrics; logs are JSON on stdout). Not registered as the
 * global instance: ragd hands its tracer to the {@link TracingObserver} by constructor.
 */
public final class Tracing implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Tracing.class);

    private final OpenTelemetrySdk sdk;

    private Tracing(OpenTelemetrySdk sdk) {
        this.sdk = sdk;
    }

    /** The SDK for {@code config}; call only when {@link ObservabilityConfig#tracing()}. */
    public static Tracing start(ObservabilityConfig config) {
        Map<String, String> props = properties(config);
        OpenTelemetrySdk sdk = AutoConfiguredOpenTelemetrySdk.builder()
                .disableShutdownHook() // App.close flushes and shuts it down, after the last request's spans
                .addPropertiesCustomizer(ignored -> props)
                .build().getOpenTelemetrySdk();
        log.atInfo().addKeyValue("endpoint", props.getOrDefault("otel.exporter.otlp.traces.endpoint",
                        props.getOrDefault("otel.exporter.otlp.endpoint", "http://localhost:4318")))
                .addKeyValue("sampler", props.getOrDefault("otel.traces.sampler", "parentbased_always_on"))
                .addKeyValue("service", config.serviceName()).log("tracing: exporting spans over OTLP/HTTP");
        return new Tracing(sdk);
    }

    /** The OTEL_* variables as SDK properties, with ragd's choices for what it does not export through the SDK. */
    static Map<String, String> properties(ObservabilityConfig config) {
        Map<String, String> props = new HashMap<>();
        config.otel().forEach((k, v) -> props.put(k.toLowerCase(Locale.ROOT).replace('_', '.'), v));
        props.put("otel.traces.exporter", "otlp");
        props.put("otel.metrics.exporter", "none");
        props.put("otel.logs.exporter", "none");
        props.putIfAbsent("otel.exporter.otlp.protocol", "http/protobuf");
        props.put("otel.service.name", config.serviceName());
        return props;
    }

    public Tracer tracer() {
        return sdk.getTracer("dev.ragd");
    }

    /** Exports what is buffered, then stops. */
    @Override
    public void close() {
        sdk.getSdkTracerProvider().forceFlush().join(10, TimeUnit.SECONDS);
        sdk.shutdown().join(10, TimeUnit.SECONDS);
    }
}
