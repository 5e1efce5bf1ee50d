package dev.ragd.llm.openai;

import io.vertx.core.buffer.Buffer;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
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
 * event is dispatched at a blank line. Not thread-safe: feed from one thread (the event loop). A
 * buffer fed (or {@link #end()} called) from inside the events consumer is read after the current one.
 *
 * <p>Cost: each buffer is bulk-copied once into one reused array (at most {@value #WINDOW} bytes
 * at a time, after any partial line held from the previous buffer) and searched there for line
 * ends eight bytes a step; lines are read in place; only the value of a {@code data} line is
 * decoded, straight to the String emitted when the event has one data line (the usual case).
 * Comments and other fields are never decoded.
 */
public final class SseReader {

    /** Bytes of a buffer copied and scanned at a time; bounds the array beyond the longest line. */
    static final int WINDOW = 8192;

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;
    private static final long LFS = 0x0A0A0A0A0A0A0A0AL;
    private static final long CRS = 0x0D0D0D0D0D0D0D0DL;

    private final Consumer<String> events;
    /** A partial line held from earlier buffers, then the window being scanned. */
    private byte[] bytes = new byte[512];
    private int length;
    private boolean lastWasCr;
    /** The data of the current event while it has one line; {@code null} when it has none. */
    private String firstData;
    /** The joined data once the current event has a second data line. */
    private StringBuilder moreData;
    private boolean scanning;
    private Buffer deferred;
    private boolean endDeferred;

    /** @param events receives the data of each complete event, in order */
    public SseReader(Consumer<String> events) {
        this.events = Objects.requireNonNull(events, "events");
    }

    /** Consumes a chunk of the body; emits every event it completes. */
    public void feed(Buffer chunk) {
        if (scanning) {
            defer(chunk);
            return;
        }
        int total = chunk.length();
        for (int from = 0; from < total; from += WINDOW) {
            int n = Math.min(WINDOW, total - from);
            ensureRoom(n);
            chunk.getBytes(from, from + n, bytes, length);
            scan(n);
        }
        runDeferred();
    }

    /** Consumes a chunk of the body; emits every event it completes. */
    public void feed(byte[] chunk) {
        if (scanning) {
            defer(Buffer.buffer(chunk));
            return;
        }
        for (int from = 0; from < chunk.length; from += WINDOW) {
            int n = Math.min(WINDOW, chunk.length - from);
            ensureRoom(n);
            System.arraycopy(chunk, from, bytes, length, n);
            scan(n);
        }
        runDeferred();
    }

    /** Dispatches a final event not followed by a blank line (the body ended). */
    public void end() {
        if (scanning) {
            endDeferred = true;
            return;
        }
        if (length > 0) {
            int n = length;
            length = 0;
            line(0, n);
        }
        dispatch();
    }

    private void ensureRoom(int n) {
        if (length + n > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + n));
        }
    }

    /** Reads the {@code n} bytes just appended after the held partial line; keeps the new partial line. */
    private void scan(int n) {
        scanning = true;
        boolean scanned = false;
        try {
            byte[] b = bytes;
            int start = 0;
            int end = length + n;
            for (int i = indexOfLineEnd(b, length, end); i < end; i = indexOfLineEnd(b, i + 1, end)) {
                // the byte before a line end is in b, except at 0 (then the previous scan ended just before)
                boolean crlfTail = b[i] == '\n' && (i == 0 ? lastWasCr : b[i - 1] == '\r');
                if (!crlfTail) { // else the \n of a \r\n whose \r ended the previous line
                    line(start, i - start);
                }
                start = i + 1;
            }
            lastWasCr = b[end - 1] == '\r';
            length = end - start;
            if (start > 0 && length > 0) {
                System.arraycopy(b, start, b, 0, length);
            }
            scanned = true;
        } finally {
            scanning = false;
            if (!scanned) {
                length = 0; // the consumer threw: the rest of this buffer is dropped, as is its partial line
            }
        }
    }

    /** The index of the first {@code \n} or {@code \r} in {@code b[from, end)}, else {@code end}; 8 bytes a step. */
    static int indexOfLineEnd(byte[] b, int from, int end) {
        int i = from;
        for (; i + Long.BYTES <= end; i += Long.BYTES) {
            long word = (long) LONGS.get(b, i);
            long lf = word ^ LFS;
            long cr = word ^ CRS;
            // a byte of lf or cr is 0 where word has \n or \r; the lowest flagged byte is exact
            long zero = (((lf - ONES) & ~lf) | ((cr - ONES) & ~cr)) & HIGHS;
            if (zero != 0) {
                return i + (Long.numberOfTrailingZeros(zero) >>> 3);
            }
        }
        for (; i < end; i++) {
            if (b[i] == '\n' || b[i] == '\r') {
                return i;
            }
        }
        return end;
    }

    /** One complete line (without its line ending) at {@code bytes[off, off + len)}. */
    private void line(int off, int len) {
        byte[] b = bytes;
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
        if (moreData == null) {
            moreData = new StringBuilder(firstData.length() + value.length() + 16);
        }
        if (moreData.isEmpty()) {
            moreData.append(firstData);
        }
        moreData.append('\n').append(value);
    }

    private void dispatch() {
        if (firstData == null) {
            return;
        }
        String event = firstData;
        if (moreData != null && !moreData.isEmpty()) {
            event = moreData.toString();
            moreData.setLength(0);
        }
        firstData = null;
        events.accept(event);
    }

    private void defer(Buffer chunk) {
        deferred = deferred == null ? Buffer.buffer().appendBuffer(chunk) : deferred.appendBuffer(chunk);
    }

    private void runDeferred() {
        while (deferred != null) {
            Buffer next = deferred;
            deferred = null;
            feed(next);
        }
        if (endDeferred) {
            endDeferred = false;
            end();
        }
    }
}
