package dev.ragd.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Reads a stream one line at a time, numbering lines from 1, without loading it whole. A line ends
 * at {@code \n} (a {@code \r} before it is dropped); the last line may lack one. Each line is decoded
 * as strict UTF-8: a line that is not valid UTF-8, or longer than {@link #MAX_LINE_BYTES}, comes back
 * with a {@link Line#problem()} instead of text (the rest of such a line is skipped, the next line is
 * read normally), so a bad byte never turns silently into U+FFFD. Not thread-safe.
 */
final class JsonLinesReader {

    /** Far above any chat record (a few KB); bounds the memory one line can take. */
    static final int MAX_LINE_BYTES = 16 * 1024 * 1024;

    /** One line: its number, and either its text or what is wrong with it. */
    record Line(long number, String text, String problem) {
        boolean blank() {
            return text != null && text.isBlank();
        }
    }

    private final InputStream in;
    private final int maxLineBytes;
    private final byte[] buf = new byte[64 * 1024];
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    private int pos;
    private int end;
    private long number;
    private long bytesRead;

    JsonLinesReader(InputStream in) {
        this(in, MAX_LINE_BYTES);
    }

    JsonLinesReader(InputStream in, int maxLineBytes) {
        this.in = in;
        this.maxLineBytes = maxLineBytes;
    }

    /** How many bytes have been consumed so far (for a progress bar). */
    long bytesRead() {
        return bytesRead;
    }

    /** The next line, or {@code null} at the end of the stream. */
    Line next() throws IOException {
        line.reset();
        boolean tooLong = false;
        boolean any = false;
        while (true) {
            if (pos == end) {
                end = in.read(buf);
                pos = 0;
                if (end <= 0) {
                    end = 0;
                    if (!any) {
                        return null;
                    }
                    break;
                }
                bytesRead += end;
            }
            any = true;
            int start = pos;
            while (pos < end && buf[pos] != '\n') {
                pos++;
            }
            int n = pos - start;
            if (!tooLong && line.size() + n > maxLineBytes) {
                tooLong = true;
                line.reset();
            }
            if (!tooLong) {
                line.write(buf, start, n);
            }
            if (pos < end) {
                pos++; // the '\n'
                break;
            }
        }
        number++;
        if (tooLong) {
            return new Line(number, null, "line is longer than " + maxLineBytes + " bytes");
        }
        byte[] bytes = line.toByteArray();
        int length = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
        try {
            String text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes, 0, length))
                    .toString();
            return new Line(number, text, null);
        } catch (CharacterCodingException e) {
            return new Line(number, null, "not valid UTF-8");
        }
    }
}
