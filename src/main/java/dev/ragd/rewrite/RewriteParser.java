package dev.ragd.rewrite;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/** Reads a model's list of search queries however it was formatted. */
public final class RewriteParser {

    /** Bullets ({@code - * •}), numbers ({@code 1. 2) (3)}) and labels ({@code Query 1:}) before a query. */
    private static final Pattern LEAD = Pattern.compile(
            "^\\s*(?:[-*•·>#]+|\\(?\\d{1,2}[.):]|(?:search\\s+)?query\\s*\\d*\\s*[:.)-])\\s*",
            Pattern.CASE_INSENSITIVE);
    private static final String QUOTES = "\"'`“”‘’«»";
    private static final int MAX_QUERY_CHARS = 500;

    private RewriteParser() {}

    /**
     * The queries in {@code output}, one per line: bullets, numbering and surrounding quotes
     * stripped, blank lines, preambles ending in a colon and duplicates (ignoring case) dropped,
     * at most {@code max}. Falls back to {@code List.of(question)} when nothing is left.
     */
    public static List<String> parse(String output, String question, int max) {
        Map<String, String> queries = new LinkedHashMap<>();
        if (output != null) {
            for (String line : output.split("\\R")) {
                String q = clean(line);
                if (q.isEmpty() || q.endsWith(":") || q.length() > MAX_QUERY_CHARS) {
                    continue;
                }
                queries.putIfAbsent(q.toLowerCase(Locale.ROOT), q);
                if (queries.size() == max) {
                    break;
                }
            }
        }
        List<String> out = new ArrayList<>(queries.values());
        return out.isEmpty() ? List.of(question) : List.copyOf(out);
    }

    static String clean(String line) {
        String s = line.strip();
        String before;
        do {
            before = s;
            s = LEAD.matcher(s).replaceFirst("").strip();
            s = s.replaceAll("^\\*\\*(.*)\\*\\*$", "$1").strip();
            while (s.length() >= 1 && QUOTES.indexOf(s.charAt(0)) >= 0) {
                s = s.substring(1).strip();
            }
            while (s.length() >= 1 && QUOTES.indexOf(s.charAt(s.length() - 1)) >= 0) {
                s = s.substring(0, s.length() - 1).strip();
            }
        } while (!s.equals(before));
        return s;
    }
}
