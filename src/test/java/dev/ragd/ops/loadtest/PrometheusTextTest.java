package dev.ragd.ops.loadtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PrometheusTextTest {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final AtomicInteger active = new AtomicInteger();
    private final AtomicInteger remaining = new AtomicInteger(2_000_000);
    private final Timer retrieval = Timer.builder("ragd.chat.retrieval.duration")
            .serviceLevelObjectives(Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(10),
                    Duration.ofMillis(50), Duration.ofMillis(100))
            .register(registry);

    PrometheusTextTest() {
        Gauge.builder("ragd.chat.active.generations", active, AtomicInteger::get).register(registry);
        Gauge.builder("ragd.chat.max.concurrent.generations", () -> 5).register(registry);
        Gauge.builder("ragd.upstream.ratelimit.remaining.tokens", remaining, AtomicInteger::get)
                .tag("upstream", "gpt-4o \"mini\"\\eu").register(registry);
    }

    private void chats(String outcome, String code, int n) {
        Counter.builder("ragd.chat.requests").tag("protocol", "http").tag("outcome", outcome).tag("error_code", code)
                .register(registry).increment(n);
    }

    @Test
    void micrometersOutputParsesWithLabelsEscapesAndHistogramBuckets() {
        chats("completed", "none", 3);
        retrieval.record(Duration.ofMillis(3));

        PrometheusText text = PrometheusText.parse(registry.scrape());

        assertThat(text.sum("ragd_chat_requests_total", "outcome", "completed")).isEqualTo(3);
        assertThat(text.matching("ragd_upstream_ratelimit_remaining_tokens")).singleElement()
                .satisfies(s -> assertThat(s.labels()).containsEntry("upstream", "gpt-4o \"mini\"\\eu"));
        assertThat(text.sum("ragd_chat_retrieval_duration_seconds_bucket", "le", "0.005")).isEqualTo(1);
        assertThat(text.sum("ragd_chat_retrieval_duration_seconds_bucket", "le", "+Inf")).isEqualTo(1);
        assertThat(text.has("ragd_chat_retrieval_duration_seconds_max")).isTrue();
        assertThat(text.sum("ragd_chat_max_concurrent_generations")).isEqualTo(5);
    }

    @Test
    void theDeltaOfAStepCountsIncreasesQuantilesAndGaugeExtremes() {
        chats("completed", "none", 10);
        for (int i = 0; i < 50; i++) {
            retrieval.record(Duration.ofMillis(2)); // before the step: must not count
        }
        PrometheusText start = PrometheusText.parse(registry.scrape());
        chats("completed", "none", 90);
        chats("failed", "rate_limited", 4);
        active.set(5);
        remaining.set(12_000);
        for (int i = 0; i < 100; i++) {
            retrieval.record(Duration.ofMillis(i < 90 ? 30 : 80));
        }
        PrometheusText during = PrometheusText.parse(registry.scrape());
        active.set(1);
        remaining.set(800_000);
        PrometheusText end = PrometheusText.parse(registry.scrape());

        MetricsDelta d = MetricsDelta.of(List.of(start, during, end));
        StepMetrics m = StepMetrics.from(d);

        assertThat(d.increase("ragd_chat_requests_total")).isEqualTo(94);
        assertThat(m.requestsByOutcome()).containsEntry("completed/none", 90L).containsEntry("failed/rate_limited", 4L);
        assertThat(m.requestsFailedWith("rate_limited")).isEqualTo(4);
        assertThat(m.activeGenerationsMax()).isEqualTo(5);
        assertThat(m.maxConcurrentGenerations()).isEqualTo(5);
        assertThat(m.rateLimitRemainingTokensMin()).isEqualTo(12_000);
        // 90 in (10, 50] ms and 10 in (50, 100]: the 95th of 100 is half way into the second bucket
        assertThat(m.retrievalP95Ms()).isCloseTo(75, within(0.01));
        assertThat(d.quantile("ragd_chat_retrieval_duration_seconds", 0.5).getAsDouble()).isCloseTo(0.0322, within(0.0001));
        assertThat(m.chatlogQueueDepthMax()).as("not served").isEqualTo(-1);
        assertThat(MetricsDelta.between(start, start).quantile("ragd_chat_retrieval_duration_seconds", 0.95)).isEmpty();
    }

    @Test
    void aCounterThatWentDownCountsFromZeroLikePrometheusIncrease() {
        PrometheusText before = PrometheusText.parse("c_total{a=\"x\"} 100\n");
        PrometheusText after = PrometheusText.parse("c_total{a=\"x\"} 7\nc_total{a=\"y\"} 2 1700000000000\n");

        assertThat(MetricsDelta.between(before, after).increase("c_total")).isEqualTo(9);
    }

    @Test
    void specialValuesCommentsAndExemplarsAreReadAndABadLineIsNamed() {
        PrometheusText t = PrometheusText.parse("# HELP g a gauge\n# TYPE g gauge\ng NaN\nh_bucket{le=\"+Inf\"} +Inf\n"
                + "x{a=\"1\",b=\"line\\nbreak\",} 3 # {trace_id=\"abc\"} 1.0\n\n");

        assertThat(t.sum("g")).isNaN();
        assertThat(t.sum("h_bucket")).isInfinite();
        assertThat(t.matching("x").get(0).labels()).containsEntry("b", "line\nbreak");
        assertThat(t.sum("x", "a", "1")).isEqualTo(3);
        assertThatThrownBy(() -> PrometheusText.parse("ok 1\n{bad} 2\n")).hasMessageStartingWith("line 2 is not a Prometheus sample");
        assertThatThrownBy(() -> MetricsDelta.of(List.of(t))).hasMessageContaining("at least two scrapes");
    }
}
