package dev.ragd.llm.openai;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * An incremental reader of a {@code text/event-stream} body: feed it buffers as they arrive and it
 * emits the {@code data} of each complete event.
 *
 * <p>Buffers may split anywhere, including inside a line ending or a multi-byte UTF-8 character:
 * bytes are held until their line is complete, and only whole lines are decoded. Lines end with
 * {@code \n}, {@code \r\n} or {@code \r}. Comment lines ({@code :...}) and fields other than
 * {@code data} are ignored; several {@code data:} lines of one event are joined with {@code \n}; an
 * event is dispatched at a blank line. Not thread-safe: feed from one thread (the event loop).
 *
 * <p>Cost per event: the buffer's bytes are scanned in place; a line's bytes are copied once into
 * a reused array (not at all from a {@code byte[]} when the line is whole in it); only the value of
 * a {@code data} line is decoded, straight to the String that is emitted when the event has one
 * data line (the usual case). Comments and other fields are never decoded.
 */
public final class SseReader {

    private final Consumer<String> events;
    /** Bytes of the current, not yet ended line (a partial line between buffers). */
    private byte[] line = new byte[256];
    private int lineLength;
    /** The data of the current event while it has one line; {@code null} when it has none. */
    private String firstData;
    /** The joined data once the current event has a second data line. */
    private final StringBuilder moreData = new StringBuilder();
    private boolean multiLine;
    private boolean lastWasCr;

    /** @param events receives the data of each complete event, in order */
    public SseReader(Consumer<String> events) {
        this.events = Objects.requireNonNull(events, "events");
    }

    /** Consumes a chunk of the body; emits every event it completes. */
    public void feed(Buffer chunk) {
        int length = chunk.length();
        int start = 0;
        for (int i = 0; i < length; i++) {
            byte b = chunk.getByte(i);
            if (b == '\n' || b == '\r') {
                boolean crlfTail = b == '\n' && lastWasCr && i == start && lineLength == 0;
                lastWasCr = b == '\r';
                if (crlfTail) {
                    start = i + 1; // the \n of a \r\n whose \r ended the previous line
                    continue;
                }
                hold(chunk, start, i); // the line's bytes, copied once into the reused array
                start = i + 1;
                endHeldLine();
            } else {
                lastWasCr = false;
            }
        }
        hold(chunk, start, length);
    }

    /** Consumes a chunk of the body; emits every event it completes. */
    public void feed(byte[] bytes) {
        int start = 0;
        for (int i = 0; i < bytes.length; i++) {
            byte b = bytes[i];
            if (b == '\n' || b == '\r') {
                boolean crlfTail = b == '\n' && lastWasCr && i == start && lineLength == 0;
                lastWasCr = b == '\r';
                if (crlfTail) {
                    start = i + 1;
                    continue;
                }
                if (lineLength == 0) {
                    int from = start;
                    start = i + 1;
                    line(bytes, from, i - from); // whole line inside this array: no copy
                } else {
                    hold(bytes, start, i);
                    start = i + 1;
                    endHeldLine();
                }
            } else {
                lastWasCr = false;
            }
        }
        hold(bytes, start, bytes.length);
    }

    /** Dispatches a final event not followed by a blank line (the body ended). */
    public void end() {
        if (lineLength > 0) {
            endHeldLine();
        }
        dispatch();
    }

    private void hold(Buffer chunk, int from, int to) {
        int n = to - from;
        if (n > 0) {
            ensureRoom(n);
            chunk.getBytes(from, to, line, lineLength);
            lineLength += n;
        }
    }

    private void hold(byte[] bytes, int from, int to) {
        int n = to - from;
        if (n > 0) {
            ensureRoom(n);
            System.arraycopy(bytes, from, line, lineLength, n);
            lineLength += n;
        }
    }

    private void ensureRoom(int n) {
        if (lineLength + n > line.length) {
            line = Arrays.copyOf(line, Math.max(line.length * 2, lineLength + n));
        }
    }

    private void endHeldLine() {
        int n = lineLength;
        lineLength = 0;
        line(line, 0, n);
    }

    /** One complete line (without its line ending). */
    private void line(byte[] b, int off, int len) {
        if (len == 0) {
            dispatch();
            return;
        }
        if (b[off] == ':') {
            return; // comment, e.g. a keep-alive
        }
        // the field name is everything before the first ':'; only "data" is used
        boolean data = len >= 4 && b[off] == 'd' && b[off + 1] == 'a' && b[off + 2] == 't' && b[off + 3] == 'a'
                && (len == 4 || b[off + 4] == ':');
        if (!data) {
            return; // event, id, retry: not used by chat completions
        }
        int from = off + 5;
        int to = off + len;
        if (from < to && b[from] == ' ') {
            from++;
        }
        addData(from >= to ? "" : new String(b, from, to - from, StandardCharsets.UTF_8));
    }

    private void addData(String value) {
        if (firstData == null) {
            firstData = value;
            return;
        }
        if (!multiLine) {
            multiLine = true;
            moreData.setLength(0);
            moreData.append(firstData);
        }
        moreData.append('\n').append(value);
    }

    private void dispatch() {
        if (firstData == null) {
            return;
        }
        String event = multiLine ? moreData.toString() : firstData;
        firstData = null;
        multiLine = false;
        moreData.setLength(0);
        events.accept(event);
    }
}
