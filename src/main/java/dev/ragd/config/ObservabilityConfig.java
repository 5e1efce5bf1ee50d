package dev.ragd.config;

import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Metrics and traces. Metrics are on by default ({@code RAGD_METRICS}) and scraped at
 * {@code GET /metrics}; they are also pushed over OTLP/HTTP when an OTLP endpoint is set. Traces
 * are off unless an OTLP endpoint is set or {@code OTEL_TRACES_EXPORTER=otlp}; the standard
 * {@code OTEL_*} variables configure them (service name, sampler, headers, resource attributes).
 *
 * @param metrics         {@code RAGD_METRICS}
 * @param otlpMetricsUrl  where metrics are pushed ({@code OTEL_EXPORTER_OTLP_METRICS_ENDPOINT}, or
 *                        {@code OTEL_EXPORTER_OTLP_ENDPOINT} + {@code /v1/metrics}); {@code null}: no push
 * @param metricsStep     push interval ({@code OTEL_METRIC_EXPORT_INTERVAL}, milliseconds)
 * @param tracing         whether spans are recorded and exported
 * @param serviceName     {@code OTEL_SERVICE_NAME}
 * @param otel            every {@code OTEL_*} variable as set, for the OpenTelemetry SDK
 */
public record ObservabilityConfig(boolean metrics, String otlpMetricsUrl, Duration metricsStep, boolean tracing,
        String serviceName, SortedMap<String, String> otel) {

    /** Variables whose values are never printed: OTLP headers carry API keys and connection strings. */
    public static final Set<String> SECRETS = Set.of("OTEL_EXPORTER_OTLP_HEADERS", "OTEL_EXPORTER_OTLP_TRACES_HEADERS",
            "OTEL_EXPORTER_OTLP_METRICS_HEADERS", "OTEL_EXPORTER_OTLP_LOGS_HEADERS");

    static final Set<String> SAMPLERS = Set.of("always_on", "always_off", "traceidratio", "parentbased_always_on",
            "parentbased_always_off", "parentbased_traceidratio");

    public ObservabilityConfig {
        otel = new TreeMap<>(otel);
    }

    public static ObservabilityConfig from(Env env) {
        boolean metrics = env.bool("RAGD_METRICS", true);
        SortedMap<String, String> otel = env.withPrefix("OTEL_");
        String base = url(env, "OTEL_EXPORTER_OTLP_ENDPOINT");
        String metricsUrl = url(env, "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT");
        String tracesUrl = url(env, "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT");
        if (metricsUrl == null && base != null) {
            metricsUrl = base.replaceAll("/+$", "") + "/v1/metrics";
        }
        boolean disabled = env.bool("OTEL_SDK_DISABLED", false);
        String exporter = env.oneOf("OTEL_TRACES_EXPORTER", base != null || tracesUrl != null ? "otlp" : "none",
                Set.of("otlp", "none"));
        env.oneOf("OTEL_TRACES_SAMPLER", "parentbased_always_on", SAMPLERS);
        env.decimal("OTEL_TRACES_SAMPLER_ARG", 1.0, 0.0, 1.0);
        env.oneOf("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf", Set.of("http/protobuf"));
        int intervalMs = env.integer("OTEL_METRIC_EXPORT_INTERVAL", 60_000, 1_000, 3_600_000);
        return new ObservabilityConfig(metrics, metrics && !disabled ? metricsUrl : null,
                Duration.ofMillis(intervalMs), !disabled && "otlp".equals(exporter),
                env.string("OTEL_SERVICE_NAME", "ragd"), otel);
    }

    private static String url(Env env, String name) {
        String v = env.raw(name);
        if (v == null) {
            return null;
        }
        try {
            URI u = URI.create(v);
            if (("http".equals(u.getScheme()) || "https".equals(u.getScheme())) && u.getHost() != null) {
                return v;
            }
        } catch (IllegalArgumentException e) {
            // reported below
        }
        throw new ConfigException(name + "=" + v + " must be an http:// or https:// URL (OTLP over HTTP)");
    }

    /** The settings as variable names and values, secrets masked. */
    public Map<String, String> describe() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("RAGD_METRICS", Boolean.toString(metrics));
        otel.forEach((k, v) -> m.put(k, SECRETS.contains(k) ? RagdConfig.mask(v) : v));
        return m;
    }

    @Override
    public String toString() {
        return "ObservabilityConfig" + describe();
    }
}
