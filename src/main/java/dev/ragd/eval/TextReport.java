package dev.ragd.eval;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;

/** The terminal's view of a run: the summary table, and the comparison with a baseline. */
public final class TextReport {

    /** How many worse questions are listed before "and N more". */
    static final int WORSE_SHOWN = 20;

    private TextReport() {}

    public static void summary(Summary s, String judge, PrintWriter out) {
        out.println(String.format(Locale.ROOT, "%-24s %10s %6s", "metric", "value", "n"));
        for (String m : Metrics.QUALITY) {
            String n = s.counts().getOrDefault(m, 0).toString();
            String note = Metrics.JUDGED.contains(m) ? (judge == null ? "  (no judge: RAGD_EVAL_JUDGE)" : "  (1-5, " + judge + ")") : "";
            out.println(String.format(Locale.ROOT, "%-24s %10s %6s%s", m, s.shown(m), n, note));
        }
        for (String m : Metrics.COST) {
            out.println(String.format(Locale.ROOT, "%-24s %10s", m, s.shown(m)));
        }
    }

    public static void comparison(Comparison c, String baselineName, PrintWriter out) {
        out.println("compared with " + baselineName + " over the " + c.shared() + " questions both have:");
        out.println(String.format(Locale.ROOT, "%-24s %10s %10s %10s", "metric", "baseline", "now", "delta"));
        for (String m : Metrics.all()) {
            Double d = c.delta(m);
            String delta = d == null ? "n/a" : (d > 0 ? "+" : "") + Summary.show(m, d);
            out.println(String.format(Locale.ROOT, "%-24s %10s %10s %10s", m, c.baseline().shown(m), c.current().shown(m),
                    delta));
        }
        out.println(c.worse().size() + " question(s) got worse" + (c.worse().isEmpty() ? "" : ":"));
        c.worse().stream().limit(WORSE_SHOWN).forEach(w -> out.println("  " + printable(w.id()) + "  " + fell(w.fell())
                + "  " + shorten(w.question(), 60)));
        if (c.worse().size() > WORSE_SHOWN) {
            out.println("  and " + (c.worse().size() - WORSE_SHOWN) + " more (see the HTML report)");
        }
        if (!c.onlyBefore().isEmpty() || !c.onlyNow().isEmpty()) {
            out.println("questions only in the baseline: " + c.onlyBefore().size() + ids(c.onlyBefore())
                    + "; only in this run: " + c.onlyNow().size() + ids(c.onlyNow()));
        }
    }

    private static String ids(java.util.List<String> ids) {
        if (ids.isEmpty()) {
            return "";
        }
        String shown = String.join(", ", ids.stream().limit(5).map(TextReport::printable).toList());
        return " (" + shown + (ids.size() > 5 ? ", …" : "") + ")";
    }

    /** Text with control characters (a terminal's escape sequences, line breaks) shown as spaces. */
    public static String printable(String s) {
        return s == null ? "" : s.replaceAll("[\\p{Cc}\\p{Cf}&&[^\\u200d]]", " ");
    }

    static String fell(Map<String, double[]> fell) {
        StringBuilder sb = new StringBuilder();
        fell.forEach((m, v) -> sb.append(sb.isEmpty() ? "" : ", ").append(m).append(' ')
                .append(Summary.show(m, v[0])).append("->").append(Summary.show(m, v[1])));
        return sb.toString();
    }

    static String shorten(String s, int max) {
        String one = printable(s).replaceAll("\\s+", " ");
        return one.length() <= max ? one : one.substring(0, max - 1) + "…";
    }
}
