package dev.ragd.eval;

import java.util.List;
import java.util.Map;

/**
 * A self-contained HTML page of a run (no scripts, no external resources): the summary, the
 * comparison with a baseline when there is one, and every question with its answer, sources,
 * expectations, scores and the judge's reasons. Every value from the run is HTML-escaped.
 */
public final class HtmlReport {

    private HtmlReport() {}

    /**
     * @param about      lines describing the run (model, retriever, judge, question set)
     * @param comparison the comparison with a baseline, or {@code null}
     */
    public static String render(List<QuestionResult> results, Summary summary, Comparison comparison, List<String> about) {
        StringBuilder h = new StringBuilder(64 * 1024);
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">")
                .append("<title>ragd eval</title><style>")
                .append("body{font:14px system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse;margin:1em 0}")
                .append("td,th{border:1px solid #ccc;padding:4px 8px;vertical-align:top;text-align:left}")
                .append(".num{text-align:right;font-variant-numeric:tabular-nums}.bad{background:#fde2e2}")
                .append(".good{background:#e3f6e3}.answer{max-width:40em;white-space:pre-wrap}.muted{color:#777}")
                .append("</style></head><body>\n<h1>ragd eval</h1>\n<ul>");
        about.forEach(a -> h.append("<li>").append(esc(a)).append("</li>"));
        h.append("</ul>\n<h2>Summary</h2>\n<table id=\"summary\"><tr><th>metric</th><th>value</th><th>questions</th>");
        if (comparison != null) {
            h.append("<th>baseline (").append(comparison.shared()).append(" in both)</th><th>now, same questions</th>")
                    .append("<th>delta</th>");
        }
        h.append("</tr>\n");
        for (String m : Metrics.all()) {
            h.append("<tr><td>").append(m).append("</td><td class=\"num\">").append(summary.shown(m)).append("</td><td class=\"num\">")
                    .append(Metrics.QUALITY.contains(m) ? String.valueOf(summary.counts().getOrDefault(m, 0)) : "")
                    .append("</td>");
            if (comparison != null) {
                Double d = comparison.delta(m);
                boolean better = d != null && (Metrics.QUALITY.contains(m) ? d > Comparison.EPSILON : d < -Comparison.EPSILON);
                boolean worse = d != null && (Metrics.QUALITY.contains(m) ? d < -Comparison.EPSILON : d > Comparison.EPSILON);
                h.append("<td class=\"num\">").append(comparison.baseline().shown(m)).append("</td><td class=\"num\">")
                        .append(comparison.current().shown(m)).append("</td><td class=\"num")
                        .append(worse ? " bad" : better ? " good" : "").append("\">")
                        .append(d == null ? "n/a" : (d > 0 ? "+" : "") + Summary.show(m, d)).append("</td>");
            }
            h.append("</tr>\n");
        }
        h.append("</table>\n");
        if (comparison != null) {
            h.append("<h2>Worse than the baseline (").append(comparison.worse().size()).append(")</h2>\n<table id=\"worse\">")
                    .append("<tr><th>id</th><th>question</th><th>fell</th><th>answer before</th><th>answer now</th></tr>\n");
            for (Comparison.Worse w : comparison.worse()) {
                h.append("<tr><td>").append(esc(w.id())).append("</td><td>").append(esc(w.question())).append("</td><td>")
                        .append(esc(TextReport.fell(w.fell()))).append("</td><td class=\"answer\">").append(esc(w.answerBefore()))
                        .append("</td><td class=\"answer\">").append(esc(w.answerNow())).append("</td></tr>\n");
            }
            h.append("</table>\n");
        }
        h.append("<h2>Questions</h2>\n<table id=\"questions\"><tr><th>id</th><th>kind</th><th>question</th><th>expected</th>")
                .append("<th>answer</th><th>sources</th><th>scores</th></tr>\n");
        for (QuestionResult r : results) {
            h.append("<tr><td>").append(esc(r.id())).append("</td><td>").append(esc(r.kind())).append("</td><td>")
                    .append(esc(r.question())).append("</td><td>");
            if (r.shouldRefuse()) {
                h.append("<em>a refusal</em>");
            } else {
                h.append("docs: ").append(esc(String.join(", ", r.expectedDocs()))).append("<br>facts: ")
                        .append(esc(String.join(" | ", r.expectedFacts())));
            }
            h.append("</td><td class=\"answer\">");
            if (r.error() != null) {
                h.append("<span class=\"bad\">error: ").append(esc(r.error())).append("</span>");
            } else {
                h.append(esc(r.answer()));
            }
            h.append("</td><td>");
            for (int i = 0; i < r.sourceDocs().size(); i++) {
                boolean expected = r.expectedDocs().contains(r.sourceDocs().get(i));
                h.append(i == 0 ? "" : "<br>").append('[').append(i + 1).append("] ")
                        .append(expected ? "<b>" : "").append(esc(r.sourceDocs().get(i))).append(expected ? "</b>" : "");
            }
            h.append("</td><td>").append(scores(r.metrics(), r.reasons())).append("</td></tr>\n");
        }
        return h.append("</table>\n</body></html>\n").toString();
    }

    private static String scores(Map<String, Double> metrics, Map<String, String> reasons) {
        StringBuilder sb = new StringBuilder();
        for (String m : Metrics.QUALITY) {
            Double v = metrics.get(m);
            if (v == null && !reasons.containsKey(m)) {
                continue;
            }
            double top = Metrics.JUDGED.contains(m) ? 5 : 1;
            String cls = v == null ? "muted" : v >= top - Comparison.EPSILON ? "good" : v <= (top == 5 ? 2 : 0) ? "bad" : "";
            sb.append("<div class=\"").append(cls).append("\">").append(m).append(' ').append(Summary.show(m, v));
            if (reasons.containsKey(m)) {
                sb.append(" <span class=\"muted\">").append(esc(reasons.get(m))).append("</span>");
            }
            sb.append("</div>");
        }
        return sb.toString();
    }

    /** Escapes text for HTML element content and attribute values. */
    static String esc(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '&' -> sb.append("&amp;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&#39;");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }
}
