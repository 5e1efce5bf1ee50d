package dev.ragd.llm.extractive;

import dev.ragd.retrieval.Passage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes chosen candidates as answer text with citations. Prose keeps its words and gets
 * {@code [n]} before its closing punctuation; consecutive record lines of one passage are joined
 * under the passage title: {@code Hasty Pants — Warranty: 2 years; Price: 30 EUR [1]}.
 */
final class AnswerWriter {

    private static final Set<String> CURRENCIES = Set.of("usd", "eur", "gbp", "chf", "jpy", "cad", "aud", "cny", "inr");
    /** A key of two or more words whose last word is a unit or currency code. */
    private static final Pattern UNIT_KEY = Pattern.compile(
            "^(\\S.*?)\\s+(?i)(usd|eur|gbp|chf|jpy|cad|aud|cny|inr|kg|g|lb|lbs|oz|cm|mm|m|km|ft|l|ml|w|v|mah|h|min)$");
    private static final Pattern CLOSING = Pattern.compile("^(.*?)([.!?]+[\"')\\]]*)$");

    private AnswerWriter() {}

    static String write(List<Candidate> chosen, List<Passage> passages, int maxWords) {
        List<String> parts = new ArrayList<>();
        int i = 0;
        while (i < chosen.size()) {
            Candidate c = chosen.get(i);
            String cite = "[" + (c.passage() + 1) + "]";
            if (c.record()) {
                List<String> lines = new ArrayList<>();
                while (i < chosen.size() && chosen.get(i).record() && chosen.get(i).passage() == c.passage()) {
                    lines.add(readableLabel(chosen.get(i++).text()));
                }
                String title = passages.get(c.passage()).title();
                String prefix = title == null || title.isBlank() ? "" : title.strip() + " — ";
                parts.add(cited(limit(prefix + String.join("; ", lines), maxWords), cite));
            } else {
                parts.add(cited(limit(c.text(), maxWords), cite));
                i++;
            }
        }
        return String.join(" ", parts);
    }

    /** {@code Price usd: 49.00} reads {@code Price (USD): 49.00}; a unit ending a key is bracketed. */
    static String readableLabel(String line) {
        int colon = line.indexOf(':');
        Matcher m = UNIT_KEY.matcher(line.substring(0, colon));
        if (!m.matches()) {
            return line;
        }
        String unit = m.group(2);
        unit = CURRENCIES.contains(unit.toLowerCase(Locale.ROOT)) ? unit.toUpperCase(Locale.ROOT) : unit;
        return m.group(1) + " (" + unit + ")" + line.substring(colon);
    }

    private static String cited(String sentence, String cite) {
        Matcher m = CLOSING.matcher(sentence);
        if (m.matches() && !m.group(1).isBlank()) {
            return m.group(1) + " " + cite + m.group(2);
        }
        return sentence + " " + cite;
    }

    private static String limit(String text, int maxWords) {
        String[] words = text.strip().split("\\s+");
        if (words.length <= maxWords) {
            return text.strip();
        }
        return String.join(" ", Arrays.copyOf(words, maxWords)) + "…";
    }
}
