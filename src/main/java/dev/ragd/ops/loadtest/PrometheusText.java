package dev.ragd.ops.loadtest;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One scrape of a Prometheus text endpoint (exposition format 0.0.4, as Micrometer's
 * {@code PrometheusMeterRegistry} writes it), parsed into samples. Comments and blank lines are
 * skipped; label values are unescaped ({@code \\}, {@code \"}, {@code \n}); values may be
 * {@code NaN}, {@code +Inf}, {@code -Inf}; a timestamp or an OpenMetrics exemplar after the value is
 * ignored. A line that is none of these fails with its line number.
 */
public final class PrometheusText {

    /** One sample line: {@code name{labels} value}. */
    public record Sample(String name, Map<String, String> labels, double value) {
        public Sample {
            labels = Collections.unmodifiableMap(new LinkedHashMap<>(labels));
        }

        /** Whether the labels include every {@code key, value} pair of {@code pairs}. */
        public boolean has(String... pairs) {
            for (int i = 0; i + 1 < pairs.length; i += 2) {
                if (!pairs[i + 1].equals(labels.get(pairs[i]))) {
                    return false;
                }
            }
            return true;
        }
    }

    private final List<Sample> samples;

    private PrometheusText(List<Sample> samples) {
        this.samples = List.copyOf(samples);
    }

    public List<Sample> samples() {
        return samples;
    }

    /** The samples named {@code name} whose labels include {@code pairs} ({@code key, value, ...}). */
    public List<Sample> matching(String name, String... pairs) {
        List<Sample> out = new ArrayList<>();
        for (Sample s : samples) {
            if (s.name().equals(name) && s.has(pairs)) {
                out.add(s);
            }
        }
        return out;
    }

    /** The sum of the matching samples; 0 when none. */
    public double sum(String name, String... pairs) {
        return matching(name, pairs).stream().mapToDouble(Sample::value).sum();
    }

    /** Whether any sample matches. */
    public boolean has(String name, String... pairs) {
        return !matching(name, pairs).isEmpty();
    }

    /**
     * Parses the text.
     *
     * @throws IllegalArgumentException naming the line that is neither a comment nor a sample
     */
    public static PrometheusText parse(String text) {
        List<Sample> out = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        for (int n = 0; n < lines.length; n++) {
            String line = lines[n].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            try {
                out.add(sample(line));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("line " + (n + 1) + " is not a Prometheus sample: " + line, e);
            }
        }
        return new PrometheusText(out);
    }

    private static Sample sample(String line) {
        int i = 0;
        while (i < line.length() && nameChar(line.charAt(i), i == 0)) {
            i++;
        }
        if (i == 0) {
            throw new IllegalArgumentException("no metric name");
        }
        String name = line.substring(0, i);
        Map<String, String> labels = new LinkedHashMap<>();
        if (i < line.length() && line.charAt(i) == '{') {
            i = labels(line, i + 1, labels);
        }
        String rest = line.substring(i).strip();
        int hash = rest.indexOf(" #");
        if (hash >= 0) {
            rest = rest.substring(0, hash).strip(); // an exemplar
        }
        String[] parts = rest.split("\\s+");
        if (parts.length < 1 || parts.length > 2 || parts[0].isEmpty()) {
            throw new IllegalArgumentException("expected a value and an optional timestamp");
        }
        return new Sample(name, labels, value(parts[0]));
    }

    /** Reads {@code key="value",...}} from {@code i}; returns the index after the closing brace. */
    private static int labels(String line, int i, Map<String, String> labels) {
        while (true) {
            while (i < line.length() && (line.charAt(i) == ',' || line.charAt(i) == ' ')) {
                i++;
            }
            if (line.charAt(i) == '}') {
                return i + 1;
            }
            int eq = line.indexOf('=', i);
            String key = line.substring(i, eq).strip();
            if (key.isEmpty() || line.charAt(eq + 1) != '"') {
                throw new IllegalArgumentException("bad label at " + i);
            }
            StringBuilder value = new StringBuilder();
            int j = eq + 2;
            for (char c = line.charAt(j); c != '"'; c = line.charAt(++j)) {
                if (c == '\\') {
                    char e = line.charAt(++j);
                    value.append(e == 'n' ? '\n' : e);
                } else {
                    value.append(c);
                }
            }
            labels.put(key, value.toString());
            i = j + 1;
        }
    }

    private static double value(String v) {
        return switch (v) {
            case "+Inf", "Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            case "NaN" -> Double.NaN;
            default -> Double.parseDouble(v);
        };
    }

    private static boolean nameChar(char c, boolean first) {
        return c == '_' || c == ':' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (!first && c >= '0' && c <= '9');
    }
}
