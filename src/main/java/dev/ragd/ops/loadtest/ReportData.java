package dev.ragd.ops.loadtest;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.ToDoubleFunction;

/**
 * The charts' data of {@link ReportHtml} as JSON: {@code users} (the x values, ascending), whether
 * the x axis is logarithmic, and per chart a list of series {@code {label, values, y2, dash}} with one
 * value per user count ({@code null} where unknown). Strings are escaped so that the JSON can sit in
 * a {@code <script>} element ({@code <}, {@code >} and {@code &} as {@code \}{@code u00XX}).
 */
final class ReportData {

    private record Series(String label, List<Double> values, boolean y2, boolean dashed) {}

    private ReportData() {}

    static String json(List<StepResult> steps, List<StepResult> direct, Optional<Baseline> baseline, Knee knee, int cores) {
        List<Double> users = ReportHtml.column(steps, StepResult::users);
        double min = steps.stream().mapToInt(StepResult::users).filter(u -> u > 0).min().orElse(1);
        double max = steps.stream().mapToInt(StepResult::users).max().orElse(1);
        boolean logX = max / min >= 20 && steps.stream().allMatch(s -> s.users() > 0);

        List<Series> latency = new ArrayList<>(List.of(
                series("TTFT p50", steps, StepResult::ttftP50Ms),
                series("TTFT p95", steps, StepResult::ttftP95Ms),
                series("TTFT p99", steps, StepResult::ttftP99Ms),
                series("answer p95", steps, StepResult::answerP95Ms),
                new Series("target p95 TTFT", steps.stream().map(s -> knee.target().p95TtftMs()).toList(), false, true)));
        if (!direct.isEmpty()) {
            latency.add(new Series("model alone TTFT p95", aligned(steps, direct, StepResult::ttftP95Ms), false, true));
        }
        List<Series> throughput = new ArrayList<>(List.of(series("questions/s", steps, StepResult::throughput),
                new Series("tokens/s", ReportHtml.column(steps, StepResult::tokensPerS), true, true)));
        baseline.ifPresent(b -> {
            latency.add(new Series(b.label() + " TTFT p95", aligned(steps, b.steps(), StepResult::ttftP95Ms), false, true));
            throughput.add(new Series(b.label() + " questions/s", aligned(steps, b.steps(), StepResult::throughput), false,
                    true));
        });
        List<Series> errors = new ArrayList<>();
        for (String kind : new TreeSet<>(steps.stream().flatMap(s -> s.errorsByKind().keySet().stream()).toList())) {
            errors.add(series(kind, steps, s -> s.errorsByKind().getOrDefault(kind, 0L)));
        }
        errors.add(series("model 429s (ragd's metrics)", steps, s -> s.metrics().upstream429()));
        errors.add(series("busy refusals (ragd's metrics)", steps, s -> s.metrics().rejections("busy")));
        errors.add(new Series("error %", ReportHtml.column(steps, s -> s.errorShare() * 100), true, true));
        List<Series> resources = List.of(
                series("CPU % of cores", steps, s -> s.cpuShare(cores) < 0 ? -1 : s.cpuShare(cores) * 100),
                new Series("RSS MiB", known(ReportHtml.column(steps, s -> s.rssBytes() < 0 ? -1 : s.rssBytes() / 1048576.0)),
                        true, false));
        List<Series> overhead = List.of(
                new Series("TTFT p95 added", subtract(steps, direct, StepResult::ttftP95Ms), false, false),
                new Series("answer p95 added", subtract(steps, direct, StepResult::answerP95Ms), false, false));

        StringBuilder j = new StringBuilder("{\"logX\":").append(logX).append(",\"users\":");
        numbers(j, users);
        for (Map.Entry<String, List<Series>> chart : Map.of("latency", latency, "throughput", throughput,
                "errors", errors, "resources", resources, "overhead", overhead).entrySet()) {
            j.append(",\"").append(chart.getKey()).append("\":[");
            for (int i = 0; i < chart.getValue().size(); i++) {
                Series s = chart.getValue().get(i);
                j.append(i == 0 ? "" : ",").append("{\"label\":").append(string(s.label())).append(",\"values\":");
                numbers(j, s.values());
                j.append(",\"y2\":").append(s.y2()).append(s.dashed() ? ",\"dash\":[6,4]" : "").append('}');
            }
            j.append(']');
        }
        return j.append('}').toString();
    }

    private static Series series(String label, List<StepResult> steps, ToDoubleFunction<StepResult> f) {
        return new Series(label, known(ReportHtml.column(steps, f)), false, false);
    }

    /** -1 (not measured) as null. */
    private static List<Double> known(List<Double> values) {
        return values.stream().map(v -> v < 0 ? null : v).toList();
    }

    private static List<Double> aligned(List<StepResult> steps, List<StepResult> direct, ToDoubleFunction<StepResult> f) {
        List<Double> out = new ArrayList<>();
        for (StepResult s : steps) {
            StepResult d = ReportHtml.at(direct, s.users());
            out.add(d == null ? null : f.applyAsDouble(d));
        }
        return out;
    }

    private static List<Double> subtract(List<StepResult> steps, List<StepResult> direct, ToDoubleFunction<StepResult> f) {
        List<Double> out = new ArrayList<>();
        for (StepResult s : steps) {
            StepResult d = ReportHtml.at(direct, s.users());
            out.add(d == null ? null : f.applyAsDouble(s) - f.applyAsDouble(d));
        }
        return out;
    }

    private static void numbers(StringBuilder j, List<Double> values) {
        j.append('[');
        for (int i = 0; i < values.size(); i++) {
            Double v = values.get(i);
            j.append(i == 0 ? "" : ",").append(v == null || v.isNaN() || v.isInfinite() ? "null" : StepsCsv.num(v));
        }
        j.append(']');
    }

    /** A JSON string literal safe inside a script element. */
    static String string(String s) {
        StringBuilder out = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20 || c == '<' || c == '>' || c == '&' || c == '\u2028' || c == '\u2029') {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }
}
