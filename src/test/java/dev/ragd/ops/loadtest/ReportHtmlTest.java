package dev.ragd.ops.loadtest;

import static dev.ragd.ops.loadtest.Steps.cpu;
import static dev.ragd.ops.loadtest.Steps.errors;
import static dev.ragd.ops.loadtest.Steps.step;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportHtmlTest {

    private static final String EVIL = "<script>alert('x')</script>&\"";

    @TempDir
    Path dir;

    private final List<StepResult> steps = List.of(step(10, 350),
            errors(step(100, 800), Map.of(EVIL, 1L)), cpu(step(1_000, 2_600), 1.9));
    private final List<StepResult> direct = List.of(step(10, 300), step(100, 320), step(1_000, 340));

    private ReportHtml.Run run() {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("profile", "fast");
        settings.put("target", "http://localhost:8080/?q=" + EVIL);
        return new ReportHtml.Run("ragd load test " + EVIL, settings);
    }

    private String render(List<StepResult> upstream) {
        Knee knee = Knee.find(steps, Target.DEFAULT);
        return ReportHtml.render(run(), steps, upstream, Optional.empty(), knee,
                Diagnosis.of(steps, 2, 1, Target.DEFAULT, upstream), 2);
    }

    @Test
    void theReportInlinesUplotAndFetchesNothing() {
        String html = render(direct);

        assertThat(html).startsWith("<!doctype html>");
        assertThat(html).contains("var uPlot=function()").contains(".uplot {").contains("new uPlot(opts, data, el)");
        assertThat(html).as("uPlot from the webjar").contains("uPlot " + ReportHtml.uplotVersion());
        assertThat(ReportHtml.uplotVersion()).isEqualTo("1.6.30");
        assertThat(html).doesNotContain("src=\"http").doesNotContain("href=\"http").doesNotContain("src=\"//")
                .doesNotContain("<link").doesNotContain("@import");
        assertThat(html).contains("id=\"chart-latency\"", "id=\"chart-throughput\"", "id=\"chart-errors\"",
                "id=\"chart-resources\"", "id=\"chart-overhead\"");
    }

    @Test
    void everyTextIsEscaped() {
        String html = render(direct);
        String escaped = "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;&quot;";

        assertThat(html).contains("<title>ragd load test " + escaped + "</title>");
        assertThat(html).contains("<dd>http://localhost:8080/?q=" + escaped + "</dd>");
        assertThat(html).as("an error kind in the steps table").contains(escaped + "=1");
        assertThat(html).as("the same kind as a chart label in the JSON")
                .contains("\\u003cscript\\u003ealert('x')\\u003c/script\\u003e\\u0026\\\"");
        assertThat(html).doesNotContain("<script>alert");
        assertThat(html.split("<script", -1)).as("uPlot, the data, the charts").hasSize(4);
    }

    @Test
    void theReportHasTheKneeTheDiagnosisAndWhatRagdAddsOverTheModel() {
        String html = render(direct);

        assertThat(html).contains("<h2>Knee</h2>").contains("The knee is 100 users")
                .contains("knee_users=100 p95_ttft_ms=800 errors=0.0007");
        assertThat(html).contains("<h2>Diagnosis</h2>").contains("<strong>replica CPU</strong>")
                .contains("Turn: scale out replicas: 1 → 2 (to about 48% CPU each)");
        assertThat(html).contains("<h2>What ragd adds over the model</h2>")
                .contains("<td>1000</td><td>2600</td><td>340</td><td>2260</td>");
        assertThat(render(List.of())).doesNotContain("<h2>What ragd adds").doesNotContain("id=\"chart-overhead\"");
    }

    @Test
    void theFolderHoldsTheCsvTheHtmlAndTheLastLineIsTheSummary() throws Exception {
        LoadTestReport report = LoadTestReport.write(dir, run(), steps, direct, Optional.empty(), Target.DEFAULT, 2, 1);

        assertThat(StepsCsv.read(Files.readString(dir.resolve("steps.csv")))).isEqualTo(steps);
        assertThat(StepsCsv.read(Files.readString(dir.resolve("steps-upstream.csv")))).isEqualTo(direct);
        assertThat(Files.readString(dir.resolve("report.html"))).contains("var uPlot=");
        assertThat(report.lines()).last().isEqualTo("knee_users=100 p95_ttft_ms=800 errors=0.0007");
        assertThat(report.lines().get(1)).startsWith("1. ");
    }

    @Test
    void anEarlierRunIsComparedStepByStepAndDrawnBesideThisOne() throws Exception {
        Path one = Files.createDirectories(dir.resolve("one-replica"));
        Files.writeString(one.resolve("steps.csv"), StepsCsv.write(List.of(step(10, 320), step(100, 1_200))));
        Baseline b = Baseline.read(one);

        assertThat(b.label()).isEqualTo("one-replica");
        List<String> lines = b.compare(steps, Target.DEFAULT);
        assertThat(lines.get(0)).isEqualTo("knee: 10 users in one-replica, 100 users in this run");
        assertThat(lines).hasSize(3); // the knees, then 10 and 100 users: 1,000 is not in the baseline
        assertThat(lines.get(2)).startsWith("100 users: ").contains("p95 time to first token 800 ms (one-replica 1200 ms)");
        String html = ReportHtml.render(run(), steps, direct, Optional.of(b), Knee.find(steps, Target.DEFAULT),
                List.of(), 2);
        assertThat(html).contains("\"label\":\"one-replica TTFT p95\",\"values\":[320,1200,null]")
                .contains("\"label\":\"one-replica questions/s\"");
    }

    @Test
    void aBaselineFolderWithoutStepsIsRefusedByName() throws Exception {
        assertThatThrownBy(() -> Baseline.read(dir.resolve("nowhere"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--baseline").hasMessageContaining("no steps.csv");
        Files.writeString(dir.resolve("steps.csv"), "users,requests\nten,1\n");
        assertThatThrownBy(() -> Baseline.read(dir)).hasMessageContaining("--baseline").hasMessageContaining("steps.csv");
    }
}
