package dev.ragd.ingest;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Splits text into chunks of at most {@code maxChars}, on paragraph, then sentence, then word
 * boundaries; each chunk after the first starts with up to {@code overlap} characters from the end
 * of the previous one (cut at a sentence or word start).
 */
public final class Chunker {

    private static final Pattern PARAGRAPHS = Pattern.compile("\\n\\s*\\n");
    private static final Pattern SENTENCES = Pattern.compile("(?<=[.!?;:])\\s+|\\n");
    private static final Pattern WORDS = Pattern.compile("\\s+");

    private final int maxChars;
    private final int overlap;

    public Chunker(int maxChars, int overlap) {
        if (maxChars < 10 || overlap < 0 || overlap >= maxChars) {
            throw new IllegalArgumentException("chunk size " + maxChars + " and overlap " + overlap
                    + ": need size >= 10 and 0 <= overlap < size");
        }
        this.maxChars = maxChars;
        this.overlap = overlap;
    }

    public List<String> split(String text) {
        String t = text == null ? "" : text.strip();
        List<String> chunks = new ArrayList<>();
        if (t.isEmpty()) {
            return chunks;
        }
        if (t.length() <= maxChars) {
            chunks.add(t);
            return chunks;
        }
        StringBuilder current = new StringBuilder();
        boolean fresh = true; // current holds only overlap carried from the previous chunk
        for (Piece piece : pieces(t)) {
            String sep = current.isEmpty() ? "" : piece.paragraphStart() ? "\n\n" : " ";
            if (current.length() + sep.length() + piece.text().length() > maxChars && !fresh) {
                String done = current.toString().strip();
                chunks.add(done);
                current.setLength(0);
                String tail = tail(done, maxChars - piece.text().length() - 1);
                current.append(tail);
                sep = current.isEmpty() ? "" : " ";
            }
            current.append(sep).append(piece.text());
            fresh = false;
        }
        if (!fresh && !current.isEmpty()) {
            chunks.add(current.toString().strip());
        }
        return chunks;
    }

    private record Piece(String text, boolean paragraphStart) {}

    /** Paragraphs, or their sentences, or their word runs, each at most maxChars. */
    private List<Piece> pieces(String text) {
        List<Piece> out = new ArrayList<>();
        for (String para : PARAGRAPHS.split(text)) {
            String p = para.strip();
            if (p.isEmpty()) {
                continue;
            }
            if (p.length() <= maxChars) {
                out.add(new Piece(p, true));
                continue;
            }
            boolean first = true;
            for (String sentence : SENTENCES.split(p)) {
                String s = sentence.strip();
                if (s.isEmpty()) {
                    continue;
                }
                for (String part : s.length() <= maxChars ? List.of(s) : words(s)) {
                    out.add(new Piece(part, first));
                    first = false;
                }
            }
        }
        return out;
    }

    private List<String> words(String s) {
        List<String> out = new ArrayList<>();
        StringBuilder b = new StringBuilder();
        for (String w : WORDS.split(s)) {
            while (w.length() > maxChars) { // a "word" longer than a chunk: hard cut
                if (!b.isEmpty()) {
                    out.add(b.toString());
                    b.setLength(0);
                }
                out.add(w.substring(0, maxChars));
                w = w.substring(maxChars);
            }
            if (!b.isEmpty() && b.length() + 1 + w.length() > maxChars) {
                out.add(b.toString());
                b.setLength(0);
            }
            b.append(b.isEmpty() ? "" : " ").append(w);
        }
        if (!b.isEmpty()) {
            out.add(b.toString());
        }
        return out;
    }

    /** At most min(overlap, room) trailing characters of {@code s}, starting at a sentence or word start. */
    private String tail(String s, int room) {
        int n = Math.min(overlap, room);
        if (n <= 0) {
            return "";
        }
        if (s.length() <= n) {
            return s;
        }
        int from = s.length() - n;
        String window = s.substring(from);
        var m = Pattern.compile("[.!?]\\s+(?=\\S)").matcher(window);
        if (m.find()) {
            return window.substring(m.end()).strip();
        }
        if (Character.isWhitespace(s.charAt(from - 1))) {
            return window.strip();
        }
        int space = window.indexOf(' ');
        return space < 0 ? "" : window.substring(space + 1).strip();
    }
}
