package dev.ragd.llm.extractive;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Markdown clean-up for quoting: removes inline syntax (emphasis, inline code, links and images,
 * keeping their text), repairs headings that chunking glued to the following paragraph, and
 * renders table rows as readable lines. Stateless.
 */
final class MarkdownText {

    private static final Pattern IMAGE = Pattern.compile("!\\[([^\\]]*)]\\([^)]*\\)");
    private static final Pattern LINK = Pattern.compile("\\[([^\\]]+)]\\([^)]*\\)");
    private static final Pattern CODE = Pattern.compile("`+([^`]+?)`+");
    private static final Pattern STRONG = Pattern.compile("(\\*\\*|__)(?=\\S)(.+?)(?<=\\S)\\1");
    private static final Pattern STAR_EMPHASIS = Pattern.compile("(?<![\\w*])\\*(?=[^\\s*])([^*]+?)(?<=\\S)\\*(?![\\w*])");
    private static final Pattern UNDERSCORE_EMPHASIS = Pattern.compile("(?<![\\w_])_(?=[^\\s_])([^_]+?)(?<=\\S)_(?![\\w_])");
    private static final Pattern STRIKE = Pattern.compile("~~(?=\\S)(.+?)(?<=\\S)~~");
    /** Where a heading glued to its paragraph most likely ends. */
    private static final Pattern GLUE = Pattern.compile("(?<=[?:!])\\s+(?=\\S)|\\s+(?=\\d{1,3}[.)]\\s)|(?<=[a-z,])\\s+(?=[A-Z])");
    /** Headings longer than this are suspected of carrying the following paragraph. */
    static final int MAX_HEADING_WORDS = 8;
    private static final Pattern TABLE_ROW = Pattern.compile("^\\|.*\\|$");
    private static final Pattern TABLE_RULE = Pattern.compile("^\\|?(\\s*:?-{3,}:?\\s*\\|)+\\s*(:?-{3,}:?\\s*)?\\|?$");

    private MarkdownText() {}

    /** Text without inline Markdown syntax; link and image text kept, targets dropped. */
    static String inline(String text) {
        String s = IMAGE.matcher(text).replaceAll("$1");
        s = LINK.matcher(s).replaceAll("$1");
        s = CODE.matcher(s).replaceAll("$1");
        s = STRONG.matcher(s).replaceAll("$2");
        s = STRIKE.matcher(s).replaceAll("$1");
        s = STAR_EMPHASIS.matcher(s).replaceAll("$1");
        return UNDERSCORE_EMPHASIS.matcher(s).replaceAll("$1");
    }

    /**
     * Splits heading text that chunking glued to the paragraph after it ("Tracking your parcel You
     * get a link...") into heading and rest; short headings are returned whole.
     *
     * @return the heading, then the rest if any
     */
    static List<String> splitGluedHeading(String heading) {
        if (heading.split("\\s+").length <= MAX_HEADING_WORDS) {
            return List.of(heading);
        }
        Matcher m = GLUE.matcher(heading);
        if (m.find() && m.start() > 0) {
            return List.of(heading.substring(0, m.start()).strip(), heading.substring(m.end()).strip());
        }
        return List.of(heading);
    }

    static boolean isTableRow(String line) {
        return TABLE_ROW.matcher(line).matches();
    }

    static boolean isTableRule(String line) {
        return TABLE_RULE.matcher(line).matches();
    }

    static List<String> cells(String row) {
        String inner = row.strip();
        inner = inner.substring(1, inner.length() - 1);
        List<String> out = new ArrayList<>();
        for (String cell : inner.split("(?<!\\\\)\\|", -1)) {
            out.add(cell.strip());
        }
        return out;
    }

    /**
     * One body row as a line: {@code Express — Time: 1 to 2 working days; Price: 14.95 USD}, the
     * first cell leading and the others labelled by their header.
     */
    static String row(List<String> header, List<String> cells) {
        StringBuilder b = new StringBuilder(cells.isEmpty() ? "" : cells.get(0));
        List<String> labelled = new ArrayList<>();
        for (int i = 1; i < cells.size(); i++) {
            if (cells.get(i).isEmpty()) {
                continue;
            }
            String label = i < header.size() ? header.get(i) : "";
            labelled.add(label.isEmpty() ? cells.get(i) : label + ": " + cells.get(i));
        }
        if (!labelled.isEmpty()) {
            b.append(b.isEmpty() ? "" : " — ").append(String.join("; ", labelled));
        }
        return b.toString();
    }
}
