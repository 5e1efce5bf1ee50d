package dev.ragd.eval;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The citation markers of an answer: {@code [2]}, {@code [1, 3]} and {@code [1][2]} all count. */
final class Citations {

    private static final Pattern MARKER = Pattern.compile("\\[(\\d{1,4}(?:\\s*,\\s*\\d{1,4})*)]");

    private Citations() {}

    /** The cited numbers, in first-cited order (any number, even one no passage has). */
    static Set<Integer> in(String answer) {
        Set<Integer> out = new LinkedHashSet<>();
        Matcher m = MARKER.matcher(answer);
        while (m.find()) {
            for (String n : m.group(1).split(",")) {
                out.add(Integer.parseInt(n.strip()));
            }
        }
        return out;
    }
}
