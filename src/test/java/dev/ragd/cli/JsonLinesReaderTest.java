package dev.ragd.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class JsonLinesReaderTest {

    private static List<JsonLinesReader.Line> read(byte[] bytes, int maxLineBytes) throws IOException {
        JsonLinesReader reader = new JsonLinesReader(new ByteArrayInputStream(bytes), maxLineBytes);
        List<JsonLinesReader.Line> lines = new ArrayList<>();
        for (JsonLinesReader.Line l = reader.next(); l != null; l = reader.next()) {
            lines.add(l);
        }
        assertThat(reader.bytesRead()).isEqualTo(bytes.length);
        return lines;
    }

    private static List<JsonLinesReader.Line> read(String text) throws IOException {
        return read(text.getBytes(StandardCharsets.UTF_8), 1024);
    }

    @Test
    void linesAreNumberedFromOneWithCrlfAndAMissingLastNewlineHandled() throws IOException {
        assertThat(read("a\r\n\nb\u00e9\nlast")).containsExactly(new JsonLinesReader.Line(1, "a", null),
                new JsonLinesReader.Line(2, "", null), new JsonLinesReader.Line(3, "b\u00e9", null),
                new JsonLinesReader.Line(4, "last", null));
        assertThat(read("")).isEmpty();
        assertThat(read("only\n")).extracting(JsonLinesReader.Line::text).containsExactly("only");
    }

    @Test
    void aLineLongerThanTheLimitIsReportedAndTheNextLineReadNormally() throws IOException {
        String longLine = "x".repeat(200_000); // longer than the read buffer too
        List<JsonLinesReader.Line> lines = read(("ok\n" + longLine + "\nnext\n").getBytes(StandardCharsets.UTF_8), 100_000);

        assertThat(lines).containsExactly(new JsonLinesReader.Line(1, "ok", null),
                new JsonLinesReader.Line(2, null, "line is longer than 100000 bytes"),
                new JsonLinesReader.Line(3, "next", null));
    }

    @Test
    void aLineSpanningSeveralReadBuffersComesBackWhole() throws IOException {
        String longLine = "y".repeat(150_000);

        assertThat(read((longLine + "\n").getBytes(StandardCharsets.UTF_8), 1_000_000))
                .containsExactly(new JsonLinesReader.Line(1, longLine, null));
    }

    @Test
    void invalidUtf8IsReportedForItsLineOnlyNeverReplaced() throws IOException {
        byte[] bytes = {'a', '\n', (byte) 0xC3, (byte) 0x28, '\n', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '\n', 'b'};

        assertThat(read(bytes, 1024)).containsExactly(new JsonLinesReader.Line(1, "a", null),
                new JsonLinesReader.Line(2, null, "not valid UTF-8"), new JsonLinesReader.Line(3, null, "not valid UTF-8"),
                new JsonLinesReader.Line(4, "b", null));
    }
}
