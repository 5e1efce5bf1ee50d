package dev.ragd.llm;

import java.text.BreakIterator;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Cuts passage text into answer candidates. A line shaped like {@code Key: value} (how structured
 * records such as catalogue CSV rows are ingested) is one candidate; other consecutive lines are
 * joined into a paragraph and split into sentences with the JDK's English sentence rules.
 */
final class PassageSplitter {

    /** A short key of letters, digits and a few joiners, a colon, then a value. */
    private static final Pattern RECORD_LINE =
            Pattern.compile("^[\\p{L}\\p{N}][\\p{L}\\p{N} _/&()'.-]{0,38}:\\s+\\S.*$");
    /** Text that looks like a citation marker; neutralised so it cannot pose as one of ours. */
    private static final Pattern BRACKET_NUMBER = Pattern.compile("\\[(\\d+)]");

    private final Function<String, List<String>> analyser;

    PassageSplitter(Function<String, List<String>> analyser) {
        this.analyser = analyser;
    }

    static boolean isRecordLine(String line) {
        return RECORD_LINE.matcher(line).matches();
    }

    /** Candidates of one passage, in reading order. */
    List<Candidate> split(int passageIndex, String text) {
        List<Candidate> out = new ArrayList<>();
        StringBuilder paragraph = new StringBuilder();
        for (String raw : (text == null ? "" : text).split("\\R")) {
            String line = clean(raw);
            if (line.isEmpty() || isRecordLine(line)) {
                flush(passageIndex, paragraph, out);
                if (!line.isEmpty()) {
                    add(passageIndex, line, true, out);
                }
            } else {
                if (!paragraph.isEmpty()) {
                    paragraph.append(' ');
                }
                paragraph.append(line);
            }
        }
        flush(passageIndex, paragraph, out);
        return out;
    }

    private void flush(int passageIndex, StringBuilder paragraph, List<Candidate> out) {
        if (paragraph.isEmpty()) {
            return;
        }
        String text = paragraph.toString();
        paragraph.setLength(0);
        BreakIterator it = BreakIterator.getSentenceInstance(Locale.ENGLISH);
        it.setText(text);
        int start = it.first();
        for (int end = it.next(); end != BreakIterator.DONE; start = end, end = it.next()) {
            String sentence = text.substring(start, end).strip();
            if (!sentence.isEmpty()) {
                add(passageIndex, sentence, false, out);
            }
        }
    }

    private void add(int passageIndex, String text, boolean record, List<Candidate> out) {
        out.add(new Candidate(passageIndex, out.size(), text, record,
                java.util.Set.copyOf(analyser.apply(text))));
    }

    private static String clean(String raw) {
        String collapsed = raw.replaceAll("\\s+", " ").strip();
        return BRACKET_NUMBER.matcher(collapsed).replaceAll("($1)");
    }
}
