package dev.ragd.ops.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ragd.testsupport.MetricNames;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Every series in the names contract (which the dashboard and alerts are checked against) is documented. */
class MetricsDocumentedTest {

    @Test
    void everyListedSeriesIsDescribedInDocsMetrics() throws Exception {
        String doc = Files.readString(Path.of("docs/metrics.md"));
        assertThat(MetricNames.listed()).isNotEmpty();
        assertThat(MetricNames.listed().keySet())
                .allSatisfy(name -> assertThat(doc).as("docs/metrics.md").contains("`" + name + "`"));
    }
}
