package dev.ragd.ops.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The one comparison of two benchmark runs: reads two saved outputs of a bench script
 * ({@code name=value} lines) and prints, for each name, the old value, the new one and new/old.
 * {@code bench/compare.sh} runs it, and every script's {@code --compare FILE} goes through that.
 *
 * <p>How a run file is read:
 * <ul>
 * <li>{@code name=value}: the name is everything before the first {@code =} (letters, digits and
 *     {@code _ . @ -}); the value is the rest, trimmed. A value whose first word is a decimal
 *     number is compared as that number (so {@code 0.52 (20 records)} is 0.52); any other value is
 *     text, compared for equality.</li>
 * <li>A name that occurs more than once (a time series, e.g. the soak's {@code sample=} lines) is
 *     numbered {@code name#1}, {@code name#2}, ... so that two runs line up by position.</li>
 * <li>A value made only of {@code name=value} words is read as one value per word, named
 *     {@code name.word}: {@code sample=t=10s bytes=123} gives {@code sample#2.t} and
 *     {@code sample#2.bytes}, so the sizes compare as numbers.</li>
 * <li>Blank lines and lines starting with {@code #} are skipped, and so is a summary line such as
 *     {@code flood rss_growth_mb=5 heap_retained_mb=3}: a bare first word, then only
 *     {@code name=value} words. Summary lines repeat values printed above them.</li>
 * <li>Anything else (e.g. a log line that got into a saved run) is reported on stderr with its file
 *     and line number and skipped: the comparison of the rest still runs.</li>
 * </ul>
 *
 * <p>This class uses nothing but the JDK, so {@code bench/compare.sh} runs this source file directly
 * without building ragd.
 */
public final class Compare {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.@-]+");
    private static final Pattern NUMBER = Pattern.compile("[-+]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][-+]?\\d+)?");
    /** Values longer than this do not widen their column (a JSON blob would push every row right). */
    private static final int MAX_COLUMN = 24;

    /** One run file: its values by name in file order, and the lines that could not be read. */
    record Run(Map<String, String> values, List<String> problems) {}

    /** One row of the comparison; {@code old} or {@code now} is null when the name is in one run only. */
    record Row(String name, String old, String now, String verdict) {}

    private Compare() {}

    public static void main(String[] args) {
        if (args.length == 1 && (args[0].equals("-h") || args[0].equals("--help"))) {
            System.out.println(usage());
            return;
        }
        if (args.length != 2) {
            System.err.println(usage());
            System.exit(2);
        }
        Run old = read(args[0]);
        Run now = read(args[1]);
        old.problems().forEach(System.err::println);
        now.problems().forEach(System.err::println);
        print(compare(old, now), System.out);
    }

    private static String usage() {
        return "usage: compare.sh OLD_RUN NEW_RUN\n"
                + "  For each name in the two name=value files: old value, new value, new/old;\n"
                + "  'same'/'differs' for text, 'only in OLD'/'only in NEW' for a name in one run only.";
    }

    private static Run read(String file) {
        try {
            String text = new String(Files.readAllBytes(Path.of(file)), StandardCharsets.UTF_8);
            return parse(text.lines().toList(), file);
        } catch (IOException e) {
            System.err.println("compare: cannot read " + file + ": " + e.getMessage());
            System.exit(2);
            throw new AssertionError(e);
        }
    }

    /** Reads one run's lines; {@code source} names the file in problem reports. */
    static Run parse(List<String> lines, String source) {
        List<String[]> pairs = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#") || isSummary(line)) {
                continue;
            }
            int eq = line.indexOf('=');
            String name = eq < 0 ? "" : line.substring(0, eq).strip();
            if (!NAME.matcher(name).matches()) {
                problems.add(source + ":" + (i + 1) + ": not a name=value line, skipped: " + abbreviate(line, 80));
                continue;
            }
            pairs.add(new String[] {name, line.substring(eq + 1).strip()});
        }
        Map<String, Integer> count = new HashMap<>();
        pairs.forEach(p -> count.merge(p[0], 1, Integer::sum));
        Map<String, Integer> seen = new HashMap<>();
        Map<String, String> values = new LinkedHashMap<>();
        for (String[] p : pairs) {
            String name = count.get(p[0]) == 1 ? p[0] : p[0] + "#" + seen.merge(p[0], 1, Integer::sum);
            String[] words = p[1].split("\\s+");
            if (allPairs(words, 0)) {
                for (String w : words) {
                    int eq = w.indexOf('=');
                    values.put(name + "." + w.substring(0, eq), w.substring(eq + 1));
                }
            } else {
                values.put(name, p[1]);
            }
        }
        return new Run(values, problems);
    }

    private static boolean isSummary(String line) {
        String[] words = line.split("\\s+");
        return words.length >= 2 && NAME.matcher(words[0]).matches() && allPairs(words, 1);
    }

    /** Whether {@code words[from..]} are all {@code name=value} words (and there is at least one). */
    private static boolean allPairs(String[] words, int from) {
        if (words.length <= from) {
            return false;
        }
        for (int i = from; i < words.length; i++) {
            int eq = words[i].indexOf('=');
            if (eq <= 0 || !NAME.matcher(words[i].substring(0, eq)).matches()) {
                return false;
            }
        }
        return true;
    }

    /** The rows for every name of {@code old} in its order, then the names only {@code now} has. */
    static List<Row> compare(Run old, Run now) {
        List<Row> rows = new ArrayList<>();
        old.values().forEach((name, before) -> {
            String after = now.values().get(name);
            rows.add(after == null ? new Row(name, shown(before), null, "only in OLD")
                    : new Row(name, shown(before), shown(after), verdict(before, after)));
        });
        now.values().forEach((name, after) -> {
            if (!old.values().containsKey(name)) {
                rows.add(new Row(name, null, shown(after), "only in NEW"));
            }
        });
        return rows;
    }

    /** new/old to three decimals for two numbers; otherwise whether the two texts are the same. */
    static String verdict(String before, String after) {
        Double b = number(before);
        Double a = number(after);
        if (b == null || a == null) {
            return before.equals(after) ? "same" : "differs";
        }
        if (b == 0) {
            return a == 0 ? "same" : "n/a";
        }
        return String.format(Locale.ROOT, "%.3f", a / b);
    }

    /** The value's first word as a number, or null when it is text. */
    static Double number(String value) {
        String first = firstWord(value);
        return NUMBER.matcher(first).matches() ? Double.valueOf(first) : null;
    }

    /** What a row shows: the number alone for a numeric value (its annotations dropped), else the text. */
    private static String shown(String value) {
        return number(value) != null ? firstWord(value) : value;
    }

    private static String firstWord(String value) {
        int space = value.indexOf(' ');
        return space < 0 ? value : value.substring(0, space);
    }

    /** The table: a header, then one aligned row per name. */
    static void print(List<Row> rows, PrintStream out) {
        int nameWidth = "name".length();
        int valueWidth = "old".length();
        for (Row r : rows) {
            nameWidth = Math.max(nameWidth, r.name().length());
            for (String v : new String[] {r.old(), r.now()}) {
                if (v != null && v.length() <= MAX_COLUMN) {
                    valueWidth = Math.max(valueWidth, v.length());
                }
            }
        }
        String format = "%-" + nameWidth + "s  %-" + valueWidth + "s  %-" + valueWidth + "s  %s%n";
        out.printf(Locale.ROOT, format, "name", "old", "new", "new/old");
        for (Row r : rows) {
            out.printf(Locale.ROOT, format, r.name(), r.old() == null ? "-" : r.old(),
                    r.now() == null ? "-" : r.now(), r.verdict());
        }
    }

    private static String abbreviate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 3) + "...";
    }
}
