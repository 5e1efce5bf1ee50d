package dev.ragd.eval;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;

/**
 * Reads a text file line by line without ever holding more than a bound of one line: a longer line
 * is refused as soon as it passes the bound, and bytes that are not valid UTF-8 (with a reader that
 * reports them, as {@link java.nio.file.Files#newBufferedReader} does) are refused naming the file
 * and about where, instead of a bare decoder message. Not thread-safe.
 */
final class BoundedLines {

    private final BufferedReader in;
    private final int maxChars;
    private final String source;
    private int number;

    BoundedLines(BufferedReader in, int maxChars, String source) {
        this.in = in;
        this.maxChars = maxChars;
        this.source = source;
    }

    /** The number of the line {@link #next()} returned last, from 1. */
    int number() {
        return number;
    }

    /** The next line without its line break, or {@code null} at the end. */
    String next() throws IOException {
        StringBuilder line = new StringBuilder();
        number++;
        try {
            int c;
            while ((c = in.read()) != -1) {
                if (c == '\n') {
                    return strip(line);
                }
                if (line.length() == maxChars) {
                    throw new IllegalArgumentException(source + " line " + number + ": longer than " + maxChars
                            + " characters");
                }
                line.append((char) c);
            }
        } catch (CharacterCodingException e) {
            // the reader decodes ahead of the line being read: the bad bytes are here or a little later
            throw new IllegalArgumentException(source + ": not valid UTF-8 text (at or after line " + number + ")");
        }
        return line.isEmpty() ? null : strip(line);
    }

    private static String strip(StringBuilder line) {
        int end = line.length();
        return end > 0 && line.charAt(end - 1) == '\r' ? line.substring(0, end - 1) : line.toString();
    }
}
