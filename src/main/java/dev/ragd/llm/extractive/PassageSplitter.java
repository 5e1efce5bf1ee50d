package dev.ragd.llm.extractive;

import dev.ragd.llm.extractive.Candidate.Kind;
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
 * such as catalogue CSV rows are ingested) is one candidate; a Markdown heading is a heading and
 * becomes the section of the candidates below it (the first of which, below a level-2 or deeper
 * heading, is its lead); a list item stands alone; a Markdown table row
 * becomes one line labelled by the header row; other consecutive lines are joined into a paragraph
 * and split into sentences with the JDK's English sentence rules (a one- or two-word sentence such as
 * "Yes." stays with the next one). Inline Markdown syntax is removed.
 */
final class PassageSplitter {

    /**
     * A short key (at most four words of letters, digits and a few joiners), a colon, then a value
     * that is not several sentences ("Descale monthly: fill the kettle... Then rinse." is prose).
     */
    private static final Pattern RECORD_LINE = Pattern.compile(
            "^(?=[^:]{1,39}:)[\\p{L}\\p{N}][\\p{L}\\p{N}_/&()'.-]*(?: [\\p{L}\\p{N}_/&()'.-]+){0,3}:\\s+"
                    + "(?!.*[.!?]\\s+\\p{Lu})\\S.*$");
    private static final Pattern HEADING = Pattern.compile("^(#{1,6})\\s+(.*?)\\s*#*$");
    /** A heading that chunking joined onto the end of a line. */
    private static final Pattern INLINE_HEADING = Pattern.compile("\\s+(?=#{2,6}\\s)");
    private static final Pattern LIST_ITEM = Pattern.compile("^(?:[-*•+]|\\d{1,3}[.)])\\s+(.*)$");
    /** Text that looks like a citation marker; neutralised so it cannot pose as one of ours. */
    private static final Pattern BRACKET_NUMBER = Pattern.compile("\\[(\\d+)]");

    /** A sentence this short ("Yes.") is joined to the next one. */
    static final int MAX_FRAGMENT_WORDS = 2;

    private final Function<String, List<String>> analyser;

    PassageSplitter(Function<String, List<String>> analyser) {
        this.analyser = analyser;
    }

    /** Candidates of one passage, in reading order. */
    List<Candidate> split(int passageIndex, String text) {
        return new Pass(passageIndex).run(text == null ? "" : text);
    }

    /** State of splitting one passage. */
    private final class Pass {
        private final int passage;
        private final List<Candidate> out = new ArrayList<>();
        private final StringBuilder paragraph = new StringBuilder();
        private Set<String> section = Set.of();
        private boolean leadPending;
        private List<String> tableHeader;

        Pass(int passage) {
            this.passage = passage;
        }

        List<Candidate> run(String text) {
            for (String raw : text.split("\\R")) {
                for (String part : INLINE_HEADING.split(raw)) {
                    line(clean(part));
                }
            }
            flush();
            return out;
        }

        private void line(String line) {
            if (!MarkdownText.isTableRow(line)) {
                tableHeader = null;
            }
            Matcher heading = HEADING.matcher(line);
            Matcher item = LIST_ITEM.matcher(line);
            if (line.isEmpty()) {
                flush();
            } else if (heading.matches()) {
                flush();
                List<String> parts = MarkdownText.splitGluedHeading(heading.group(2));
                String title = parts.get(0);
                section = Set.copyOf(analyser.apply(title));
                leadPending = heading.group(1).length() > 1; // under the document title is an introduction
                add(title, Kind.HEADING);
                if (parts.size() > 1) {
                    line(parts.get(1));
                }
            } else if (MarkdownText.isTableRow(line)) {
                flush();
                table(line);
            } else if (item.matches()) {
                flush();
                single(item.group(1).strip());
            } else if (RECORD_LINE.matcher(line).matches()) {
                flush();
                add(line, Kind.RECORD);
            } else {
                if (!paragraph.isEmpty()) {
                    paragraph.append(' ');
                }
                paragraph.append(line);
            }
        }

        private void table(String line) {
            if (MarkdownText.isTableRule(line)) {
                return;
            }
            List<String> cells = MarkdownText.cells(line);
            if (tableHeader == null) {
                tableHeader = cells;
                add(String.join(" ", cells), Kind.HEADING);
            } else {
                add(MarkdownText.row(tableHeader, cells), Kind.PROSE);
            }
        }

        private void single(String line) {
            if (RECORD_LINE.matcher(line).matches()) {
                add(line, Kind.RECORD);
            } else {
                paragraph.append(line);
                flush();
            }
        }

        private void flush() {
            if (paragraph.isEmpty()) {
                return;
            }
            String text = paragraph.toString();
            paragraph.setLength(0);
            BreakIterator it = BreakIterator.getSentenceInstance(Locale.ENGLISH);
            it.setText(text);
            String pending = "";
            int start = it.first();
            for (int end = it.next(); end != BreakIterator.DONE; start = end, end = it.next()) {
                String sentence = (pending + " " + text.substring(start, end)).strip();
                if (sentence.split(" ").length <= MAX_FRAGMENT_WORDS) {
                    pending = sentence; // "Yes." reads better with the sentence that follows it
                } else {
                    add(sentence, Kind.PROSE);
                    pending = "";
                }
            }
            add(pending, Kind.PROSE);
        }

        private void add(String text, Kind kind) {
            if (text.isEmpty()) {
                return;
            }
            boolean lead = kind != Kind.HEADING && leadPending;
            if (lead) {
                leadPending = false;
            }
            out.add(new Candidate(passage, out.size(), text, kind, Set.copyOf(analyser.apply(text)), section, lead));
        }
    }

    private static String clean(String raw) {
        String collapsed = MarkdownText.inline(raw.replaceAll("\\s+", " ").strip());
        return BRACKET_NUMBER.matcher(collapsed).replaceAll("($1)");
    }
}
