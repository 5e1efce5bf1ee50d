package dev.ragd.ops.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ragd.config.Env;
import dev.ragd.config.ObservabilityConfig;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class MetricsCounterTest {

    @Test
    void aCounterReadThroughALambdaKeepsCountingAfterGarbageCollection() {
        try (Metrics metrics = new Metrics(ObservabilityConfig.from(new Env(Map.of())))) {
            AtomicLong count = new AtomicLong();
            metrics.counter("test.refused", "test", () -> count.get(), "code", "x"); // nothing else holds the lambda
            count.set(1);
            assertThat(metrics.scrape()).contains("test_refused_total{code=\"x\"} 1.0");
            for (int i = 0; i < 3; i++) {
                System.gc();
            }
            count.set(5);
            assertThat(metrics.scrape()).contains("test_refused_total{code=\"x\"} 5.0");
        }
    }
}
