package dev.ragd.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ObservabilityConfigTest {

    private static ObservabilityConfig of(Map<String, String> env) {
        return ObservabilityConfig.from(new Env(env));
    }

    @Test
    void metricsAreOnAndTracingOffByDefault() {
        ObservabilityConfig c = of(Map.of());
        assertThat(c.metrics()).isTrue();
        assertThat(c.tracing()).isFalse();
        assertThat(c.otlpMetricsUrl()).isNull();
        assertThat(c.serviceName()).isEqualTo("ragd");
    }

    @Test
    void anOtlpEndpointTurnsOnTracesAndTheMetricsPush() {
        ObservabilityConfig c = of(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318/"));
        assertThat(c.tracing()).isTrue();
        assertThat(c.otlpMetricsUrl()).isEqualTo("http://collector:4318/v1/metrics");
    }

    @Test
    void aPerSignalEndpointIsUsedAsGivenAndTheSwitchesTurnThingsOff() {
        assertThat(of(Map.of("OTEL_EXPORTER_OTLP_METRICS_ENDPOINT", "https://m.example/push")).otlpMetricsUrl())
                .isEqualTo("https://m.example/push");
        assertThat(of(Map.of("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://t:4318/v1/traces")).tracing()).isTrue();
        assertThat(of(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4318", "OTEL_TRACES_EXPORTER", "none")).tracing())
                .isFalse();
        ObservabilityConfig off = of(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4318", "OTEL_SDK_DISABLED", "true"));
        assertThat(off.tracing()).isFalse();
        assertThat(off.otlpMetricsUrl()).isNull();
        ObservabilityConfig noMetrics = of(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4318", "RAGD_METRICS", "false"));
        assertThat(noMetrics.metrics()).isFalse();
        assertThat(noMetrics.otlpMetricsUrl()).isNull();
        assertThat(noMetrics.tracing()).isTrue();
    }

    @Test
    void eachBadValueFailsNamingItsVariable() {
        assertThatThrownBy(() -> of(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "collector:4318")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("OTEL_EXPORTER_OTLP_ENDPOINT");
        assertThatThrownBy(() -> of(Map.of("OTEL_EXPORTER_OTLP_METRICS_ENDPOINT", "ftp://x/y")))
                .hasMessageContaining("OTEL_EXPORTER_OTLP_METRICS_ENDPOINT");
        assertThatThrownBy(() -> of(Map.of("OTEL_TRACES_SAMPLER", "sometimes")))
                .hasMessageContaining("OTEL_TRACES_SAMPLER");
        assertThatThrownBy(() -> of(Map.of("OTEL_TRACES_SAMPLER_ARG", "1.5")))
                .hasMessageContaining("OTEL_TRACES_SAMPLER_ARG");
        assertThatThrownBy(() -> of(Map.of("OTEL_TRACES_EXPORTER", "zipkin")))
                .hasMessageContaining("OTEL_TRACES_EXPORTER");
        assertThatThrownBy(() -> of(Map.of("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc")))
                .hasMessageContaining("OTEL_EXPORTER_OTLP_PROTOCOL");
        assertThatThrownBy(() -> of(Map.of("OTEL_METRIC_EXPORT_INTERVAL", "10")))
                .hasMessageContaining("OTEL_METRIC_EXPORT_INTERVAL");
        assertThatThrownBy(() -> of(Map.of("RAGD_METRICS", "maybe"))).hasMessageContaining("RAGD_METRICS");
    }
}
