package dev.ragd.ops.metrics;

import dev.ragd.config.ObservabilityConfig;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.micrometer.registry.otlp.OtlpConfig;
import io.micrometer.registry.otlp.OtlpMeterRegistry;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The replica's meters: a Prometheus registry (scraped at {@code GET /metrics}) and, when an OTLP
 * endpoint is configured, an OTLP registry pushing the same meters, with the JVM and process
 * binders. Thread-safe. Close it to stop the push (after a last one).
 */
public final class Metrics implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Metrics.class);

    /** The Prometheus exposition format served at {@code /metrics}. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final PrometheusMeterRegistry prometheus;
    private final OtlpMeterRegistry otlp;
    private final CompositeMeterRegistry registry = new CompositeMeterRegistry();
    private final JvmGcMetrics gc = new JvmGcMetrics();
    private final java.util.List<Object> counted = new java.util.concurrent.CopyOnWriteArrayList<>();

    public Metrics(ObservabilityConfig config) {
        this.prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.add(prometheus);
        this.otlp = config.otlpMetricsUrl() == null ? null : otlp(config);
        if (otlp != null) {
            registry.add(otlp);
            log.atInfo().addKeyValue("url", config.otlpMetricsUrl()).addKeyValue("step_ms", config.metricsStep().toMillis())
                    .log("metrics: pushing over OTLP");
        }
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
    }

    private static OtlpMeterRegistry otlp(ObservabilityConfig config) {
        Map<String, String> props = Map.of(
                "otlp.url", config.otlpMetricsUrl(),
                "otlp.step", config.metricsStep().toMillis() + "ms",
                "otlp.aggregationTemporality", "cumulative");
        String headers = config.otel().getOrDefault("OTEL_EXPORTER_OTLP_METRICS_HEADERS",
                config.otel().get("OTEL_EXPORTER_OTLP_HEADERS"));
        String resource = config.otel().get("OTEL_RESOURCE_ATTRIBUTES");
        OtlpConfig otlpConfig = new OtlpConfig() {
            @Override
            public String get(String key) {
                return props.get(key);
            }

            @Override
            public Map<String, String> headers() {
                return OtlpHeaders.parse(headers);
            }

            @Override
            public Map<String, String> resourceAttributes() {
                Map<String, String> attrs = new java.util.LinkedHashMap<>(OtlpHeaders.parse(resource));
                attrs.put("service.name", config.serviceName());
                return attrs;
            }
        };
        return new OtlpMeterRegistry(otlpConfig, Clock.SYSTEM);
    }

    /** Where meters are registered. */
    public MeterRegistry registry() {
        return registry;
    }

    /** A gauge read on each scrape. */
    public void gauge(String name, String help, java.util.function.DoubleSupplier value, String... tags) {
        Gauge.builder(name, value::getAsDouble).description(help).tags(tags).strongReference(true).register(registry);
    }

    /** A counter read on each scrape from a monotonic count kept elsewhere. */
    public void counter(String name, String help, java.util.function.DoubleSupplier count, String... tags) {
        // A function counter holds its object weakly and, once that is collected, repeats its last
        // value for ever: the supplier (often a lambda nothing else references) is kept here.
        counted.add(count);
        io.micrometer.core.instrument.FunctionCounter.builder(name, count, java.util.function.DoubleSupplier::getAsDouble)
                .description(help).tags(tags).register(registry);
    }

    /** The Prometheus text of every meter. */
    public String scrape() {
        return prometheus.scrape();
    }

    /** A supplier of {@link #scrape()}, for the server's {@code /metrics} endpoint. */
    public Supplier<String> scraper() {
        return this::scrape;
    }

    @Override
    public void close() {
        gc.close();
        if (otlp != null) {
            otlp.close(); // publishes once more
        }
        prometheus.close();
    }
}
