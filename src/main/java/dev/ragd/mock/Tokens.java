package dev.ragd.mock;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Splits answer text into the pieces sent as tokens: each word with the whitespace before it. */
final class Tokens {

    private static final Pattern PIECE = Pattern.compile("\\s*\\S+");

    private Tokens() {}

    /** The pieces of {@code text}; joined, they give back {@code text} without trailing whitespace. */
    static List<String> split(String text) {
        List<String> out = new ArrayList<>();
        Matcher m = PIECE.matcher(text);
        while (m.find()) {
            out.add(m.group());
        }
        return out;
    }

    /**
     * Exactly {@code length} pieces when {@code length > 0}: cut, or padded by repeating the text
     * (a new round starts with a space); {@code length == 0} keeps the natural length.
     */
    static List<String> ofLength(String text, int length) {
        List<String> base = split(text);
        if (length == 0 || base.isEmpty()) {
            return base;
        }
        List<String> out = new ArrayList<>(length);
        for (int i = 0; out.size() < length; i++) {
            String piece = base.get(i % base.size());
            if (i > 0 && i % base.size() == 0) {
                piece = " " + piece.stripLeading();
            }
            out.add(piece);
        }
        return out;
    }
}
