package dev.ragd.llm.openai;

import io.vertx.core.buffer.Buffer;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
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
 */
public final class SseReader {

    private final Consumer<String> events;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream(256);
    private final StringBuilder data = new StringBuilder();
    private boolean hasData;
    private boolean lastWasCr;

    /** @param events receives the data of each complete event, in order */
    public SseReader(Consumer<String> events) {
        this.events = Objects.requireNonNull(events, "events");
    }

    /** Consumes a chunk of the body; emits every event it completes. */
    public void feed(Buffer chunk) {
        feed(chunk.getBytes());
    }

    /** Consumes a chunk of the body; emits every event it completes. */
    public void feed(byte[] bytes) {
        int start = 0;
        for (int i = 0; i < bytes.length; i++) {
            byte b = bytes[i];
            if (b == '\n' || b == '\r') {
                boolean crlfTail = b == '\n' && lastWasCr && i == start && line.size() == 0;
                lastWasCr = b == '\r';
                if (crlfTail) {
                    start = i + 1; // the \n of a \r\n whose \r ended the previous line
                    continue;
                }
                line.write(bytes, start, i - start);
                start = i + 1;
                endLine();
            } else {
                lastWasCr = false;
            }
        }
        line.write(bytes, start, bytes.length - start);
    }

    /** Dispatches a final event not followed by a blank line (the body ended). */
    public void end() {
        if (line.size() > 0) {
            endLine();
        }
        dispatch();
    }

    private void endLine() {
        String text = line.toString(StandardCharsets.UTF_8);
        line.reset();
        if (text.isEmpty()) {
            dispatch();
            return;
        }
        if (text.charAt(0) == ':') {
            return; // comment, e.g. a keep-alive
        }
        int colon = text.indexOf(':');
        String field = colon < 0 ? text : text.substring(0, colon);
        if (!field.equals("data")) {
            return; // event, id, retry: not used by chat completions
        }
        String value = colon < 0 ? "" : text.substring(colon + 1);
        if (value.startsWith(" ")) {
            value = value.substring(1);
        }
        if (hasData) {
            data.append('\n');
        }
        data.append(value);
        hasData = true;
    }

    private void dispatch() {
        if (!hasData) {
            return;
        }
        String event = data.toString();
        data.setLength(0);
        hasData = false;
        events.accept(event);
    }
}
