package dev.ragd.llm;

import dev.ragd.llm.Candidate.Kind;
import java.text.BreakIterator;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Cuts passage text into candidates. A line shaped like {@code Key: value} (how structured records
 * such as catalogue CSV rows are ingested) is one candidate; a Markdown heading is a heading; a
 * list item stands alone; other consecutive lines are joined into a paragraph and split into
 * sentences with the JDK's English sentence rules.
 */
final class PassageSplitter {

    /** A short key of letters, digits and a few joiners, a colon, then a value. */
    private static final Pattern RECORD_LINE =
            Pattern.compile("^[\\p{L}\\p{N}][\\p{L}\\p{N} _/&()'.-]{0,38}:\\s+\\S.*$");
    private static final Pattern HEADING = Pattern.compile("^#{1,6}\\s+(.*)$");
    private static final Pattern LIST_ITEM = Pattern.compile("^(?:[-*•]|\\d{1,3}[.)])\\s+(.*)$");
    /** Text that looks like a citation marker; neutralised so it cannot pose as one of ours. */
    private static final Pattern BRACKET_NUMBER = Pattern.compile("\\[(\\d+)]");

    private final Function<String, List<String>> analyser;

    PassageSplitter(Function<String, List<String>> analyser) {
        this.analyser = analyser;
    }

    /** Candidates of one passage, in reading order. */
    List<Candidate> split(int passageIndex, String text) {
        List<Candidate> out = new ArrayList<>();
        StringBuilder paragraph = new StringBuilder();
        for (String raw : (text == null ? "" : text).split("\\R")) {
            String line = clean(raw);
            Matcher heading = HEADING.matcher(line);
            Matcher item = LIST_ITEM.matcher(line);
            if (line.isEmpty()) {
                flush(passageIndex, paragraph, out);
            } else if (heading.matches()) {
                flush(passageIndex, paragraph, out);
                add(passageIndex, heading.group(1).strip(), Kind.HEADING, out);
            } else if (item.matches()) {
                flush(passageIndex, paragraph, out);
                single(passageIndex, item.group(1).strip(), out);
            } else if (RECORD_LINE.matcher(line).matches()) {
                flush(passageIndex, paragraph, out);
                add(passageIndex, line, Kind.RECORD, out);
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

    private void single(int passageIndex, String line, List<Candidate> out) {
        if (RECORD_LINE.matcher(line).matches()) {
            add(passageIndex, line, Kind.RECORD, out);
        } else {
            flush(passageIndex, new StringBuilder(line), out);
        }
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
                add(passageIndex, sentence, Kind.PROSE, out);
            }
        }
    }

    private void add(int passageIndex, String text, Kind kind, List<Candidate> out) {
        if (!text.isEmpty()) {
            out.add(new Candidate(passageIndex, out.size(), text, kind, Set.copyOf(analyser.apply(text))));
        }
    }

    private static String clean(String raw) {
        String collapsed = raw.replaceAll("\\s+", " ").strip();
        return BRACKET_NUMBER.matcher(collapsed).replaceAll("($1)");
    }
}
