package dev.ragd.ops.loadtest;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;
import java.util.function.ToDoubleFunction;

/**
 * {@code report.html}: one self-contained page (uPlot's script and style inlined from its webjar,
 * no external fetch) with the run's settings, the knee, the diagnosis, charts of users against
 * latency percentiles, throughput, errors, CPU and memory, what ragd adds over the model when
 * direct-upstream steps are given, and the steps as a table. Every text is HTML-escaped; the
 * charts' data travels as JSON in a {@code <script type="application/json">} with {@code <} escaped.
 */
public final class ReportHtml {

    /**
     * What the run was: a title and settings shown as they are (profile, replicas, target URL, ...),
     * and sections of plain lines the run adds (the kill drill, the chat-log audit), by heading.
     */
    public record Run(String title, Map<String, String> settings, Map<String, List<String>> sections) {
        public Run {
            settings = new LinkedHashMap<>(settings);
            sections = new LinkedHashMap<>(sections);
        }

        public Run(String title, Map<String, String> settings) {
            this(title, settings, Map.of());
        }
    }

    private static final String WEBJAR = "META-INF/resources/webjars/uplot/";

    private ReportHtml() {}

    /**
     * The page.
     *
     * @param steps    ragd's steps
     * @param direct   the same ramp against the model directly (may be empty)
     * @param baseline an earlier run drawn beside this one's latency and throughput
     * @param cores    cores of one replica (CPU as a share of them)
     */
    public static String render(Run run, List<StepResult> steps, List<StepResult> direct, Optional<Baseline> baseline,
            Knee knee, List<Finding> findings, int cores) {
        List<StepResult> sorted = steps.stream().sorted(Comparator.comparingInt(StepResult::users)).toList();
        String version = uplotVersion();
        StringBuilder h = new StringBuilder(200_000);
        h.append("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
                .append("<title>").append(esc(run.title())).append("</title>\n<style>\n")
                .append(resource(WEBJAR + version + "/dist/uPlot.min.css")).append('\n')
                .append(resource("dev/ragd/ops/loadtest/report.css")).append("</style></head><body>\n")
                .append("<h1>").append(esc(run.title())).append("</h1>\n<dl class=\"meta\">");
        run.settings().forEach((k, v) -> h.append("<dt>").append(esc(k)).append("</dt><dd>").append(esc(v)).append("</dd>"));
        h.append("</dl>\n<h2>Knee</h2>\n<p>").append(esc(knee.describe())).append("</p>\n<p class=\"summary\">")
                .append(esc(knee.summaryLine())).append("</p>\n<h2>Diagnosis</h2>\n<ol class=\"findings\">\n");
        for (Finding f : findings) {
            h.append("<li><strong>").append(esc(f.resource())).append("</strong>: ").append(esc(f.evidence()))
                    .append(".<br><span class=\"knob\">Turn: ").append(esc(f.knob())).append("</span></li>\n");
        }
        h.append("</ol>\n");
        run.sections().forEach((heading, lines) -> {
            h.append("<h2>").append(esc(heading)).append("</h2>\n<ul class=\"section\">\n");
            lines.forEach(l -> h.append("<li>").append(esc(l)).append("</li>\n"));
            h.append("</ul>\n");
        });
        h.append("<h2>Charts</h2>\n");
        for (String id : List.of("latency", "throughput", "errors", "resources")) {
            h.append("<div class=\"chart\" id=\"chart-").append(id).append("\"></div>\n");
        }
        if (!direct.isEmpty()) {
            h.append("<div class=\"chart\" id=\"chart-overhead\"></div>\n");
        }
        steps(h, sorted, knee, cores);
        if (!direct.isEmpty()) {
            overhead(h, sorted, direct);
        }
        h.append("<p>Charts drawn with uPlot ").append(esc(version)).append(" (MIT), inlined.</p>\n")
                .append("<script>\n").append(script(resource(WEBJAR + version + "/dist/uPlot.iife.min.js"))).append("\n</script>\n")
                .append("<script type=\"application/json\" id=\"report-data\">")
                .append(ReportData.json(sorted, direct, baseline, knee, cores)).append("</script>\n<script>\n")
                .append(script(resource("dev/ragd/ops/loadtest/report.js"))).append("</script>\n</body></html>\n");
        return h.toString();
    }

    private static void steps(StringBuilder h, List<StepResult> steps, Knee knee, int cores) {
        h.append("<h2>Steps</h2>\n<div class=\"wide\"><table><tr><th>users</th><th>questions</th><th>questions/s</th>")
                .append("<th>TTFT p50 ms</th><th>TTFT p95 ms</th><th>TTFT p99 ms</th><th>answer p50 ms</th>")
                .append("<th>answer p95 ms</th><th>answer p99 ms</th><th>tokens/s</th><th>errors</th>")
                .append("<th class=\"text\">errors by kind</th><th>CPU % of cores</th><th>RSS MiB</th>")
                .append("<th class=\"text\">ragd rejections</th><th>model 429s</th><th>active / cap</th>")
                .append("<th>chat-log queue</th><th>retrieval p95 ms</th><th class=\"text\">target</th></tr>\n");
        for (StepResult s : steps) {
            StepMetrics m = s.metrics();
            boolean met = knee.target().metBy(s);
            String cls = knee.step().map(k -> k == s).orElse(false) ? "knee" : met ? "" : "miss";
            h.append("<tr class=\"").append(cls).append("\">");
            cells(h, Integer.toString(s.users()), Long.toString(s.requests()), n1(s.throughput()), n0(s.ttftP50Ms()),
                    n0(s.ttftP95Ms()), n0(s.ttftP99Ms()), n0(s.answerP50Ms()), n0(s.answerP95Ms()), n0(s.answerP99Ms()),
                    n1(s.tokensPerS()), Target.percent(s.errorShare()));
            text(h, StepsCsv.counts(s.errorsByKind()));
            double cpu = s.cpuShare(cores);
            cells(h, cpu < 0 ? "" : n0(cpu * 100), s.rssBytes() < 0 ? "" : n0(s.rssBytes() / 1048576.0));
            text(h, StepsCsv.counts(m.rejectionsByReason()));
            cells(h, m.upstream429() < 0 ? "" : Long.toString(m.upstream429()),
                    m.activeGenerationsMax() < 0 ? "" : m.activeGenerationsMax() + " / " + m.maxConcurrentGenerations(),
                    m.chatlogQueueDepthMax() < 0 ? "" : Long.toString(m.chatlogQueueDepthMax()),
                    m.retrievalP95Ms() < 0 ? "" : n1(m.retrievalP95Ms()));
            text(h, met ? "met" : knee.target().missedBy(s));
            h.append("</tr>\n");
        }
        h.append("</table></div>\n");
    }

    private static void overhead(StringBuilder h, List<StepResult> steps, List<StepResult> direct) {
        h.append("<h2>What ragd adds over the model</h2>\n<p>The same ramp against the model directly; ")
                .append("ragd's time minus the model's, per step.</p>\n<table><tr><th>users</th>")
                .append("<th>ragd TTFT p95 ms</th><th>model TTFT p95 ms</th><th>added ms</th>")
                .append("<th>ragd answer p95 ms</th><th>model answer p95 ms</th><th>added ms</th>")
                .append("<th>ragd errors</th><th>model errors</th></tr>\n");
        for (int users : new TreeSet<>(steps.stream().map(StepResult::users).toList())) {
            StepResult r = at(steps, users);
            StepResult d = at(direct, users);
            if (d == null) {
                continue;
            }
            h.append("<tr>");
            cells(h, Integer.toString(users), n0(r.ttftP95Ms()), n0(d.ttftP95Ms()), n0(r.ttftP95Ms() - d.ttftP95Ms()),
                    n0(r.answerP95Ms()), n0(d.answerP95Ms()), n0(r.answerP95Ms() - d.answerP95Ms()),
                    Target.percent(r.errorShare()), Target.percent(d.errorShare()));
            h.append("</tr>\n");
        }
        h.append("</table>\n");
    }

    static StepResult at(List<StepResult> steps, int users) {
        return steps.stream().filter(s -> s.users() == users).reduce((a, b) -> b).orElse(null);
    }

    static List<Double> column(List<StepResult> steps, ToDoubleFunction<StepResult> f) {
        List<Double> out = new ArrayList<>();
        steps.forEach(s -> out.add(f.applyAsDouble(s)));
        return out;
    }

    private static void cells(StringBuilder h, String... values) {
        for (String v : values) {
            h.append("<td>").append(esc(v)).append("</td>");
        }
    }

    private static void text(StringBuilder h, String v) {
        h.append("<td class=\"text\">").append(esc(v)).append("</td>");
    }

    /** HTML-escapes text for element content and double-quoted attributes. */
    public static String esc(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /** A script's text made safe inside {@code <script>}: no {@code </script} can end it early. */
    private static String script(String js) {
        return js.replace("</script", "<\\/script").replace("</SCRIPT", "<\\/SCRIPT");
    }

    private static String n0(double v) {
        return String.format(Locale.ROOT, "%.0f", v);
    }

    private static String n1(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    /** The uPlot version on the classpath, from its webjar's Maven properties. */
    static String uplotVersion() {
        Properties p = new Properties();
        try (InputStream in = stream("META-INF/maven/org.webjars.npm/uplot/pom.properties")) {
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p.getProperty("version");
    }

    static String resource(String path) {
        try (InputStream in = stream(path)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static InputStream stream(String path) {
        InputStream in = ReportHtml.class.getClassLoader().getResourceAsStream(path);
        if (in == null) {
            throw new IllegalStateException("missing classpath resource " + path + " (the uPlot webjar must be on the classpath)");
        }
        return in;
    }
}
