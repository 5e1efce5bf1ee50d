package dev.ragd.llm.openai.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ragd.llm.Usage;
import dev.ragd.llm.openai.ChatChunk;
import io.vertx.core.buffer.Buffer;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Verbatim copies of the tree-based {@code ChatChunk.parse} and the copying {@code SseReader} that the
 * streaming versions replaced: the baseline of {@link ParseBench} and the oracle of the differential
 * tests, which check that the new code behaves exactly as this did.
 */
public final class LegacyParsing {

    private static final ObjectMapper JSON = new ObjectMapper();

    private LegacyParsing() {
    }

    /** The former {@code ChatChunk.parse}: one Jackson tree per chunk. */
    public static ChatChunk parse(String data) {
        JsonNode root;
        try {
            root = JSON.readTree(data);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("stream event is not JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("stream event is not a JSON object");
        }
        JsonNode error = root.get("error");
        if (error != null && !error.isNull()) {
            String message = error.isObject() ? error.path("message").asText("") : error.asText("");
            String code = error.isObject() ? firstText(error, "code", "type") : null;
            return new ChatChunk(null, null, null, message, code);
        }
        String content = null;
        String finish = null;
        JsonNode choices = root.path("choices");
        if (choices.isArray() && !choices.isEmpty()) {
            JsonNode choice = choices.get(0);
            JsonNode text = choice.path("delta").path("content");
            if (text.isTextual() && !text.asText().isEmpty()) {
                content = text.asText();
            }
            JsonNode reason = choice.path("finish_reason");
            if (reason.isTextual()) {
                finish = reason.asText();
            }
        }
        Usage usage = null;
        JsonNode u = root.get("usage");
        if (u != null && u.isObject()) {
            usage = new Usage(u.path("prompt_tokens").asInt(0), u.path("completion_tokens").asInt(0));
        }
        return new ChatChunk(content, finish, usage, null, null);
    }

    /** The former {@code ChatChunk.read}. */
    public static ChatChunk read(String data) {
        try {
            return parse(data);
        } catch (IllegalArgumentException e) {
            return new ChatChunk(null, null, null, "malformed stream event: " + e.getMessage(), "malformed");
        }
    }

    private static String firstText(JsonNode node, String... fields) {
        for (String f : fields) {
            JsonNode v = node.get(f);
            if (v != null && !v.isNull()) {
                return v.asText();
            }
        }
        return null;
    }

    /** The former {@code SseReader}: copies each buffer, accumulates lines, decodes, substrings, joins. */
    public static final class SseReader {

        private final Consumer<String> events;
        private final ByteArrayOutputStream line = new ByteArrayOutputStream(256);
        private final StringBuilder data = new StringBuilder();
        private boolean hasData;
        private boolean lastWasCr;

        public SseReader(Consumer<String> events) {
            this.events = events;
        }

        public void feed(Buffer chunk) {
            feed(chunk.getBytes());
        }

        public void feed(byte[] bytes) {
            int start = 0;
            for (int i = 0; i < bytes.length; i++) {
                byte b = bytes[i];
                if (b == '\n' || b == '\r') {
                    boolean crlfTail = b == '\n' && lastWasCr && i == start && line.size() == 0;
                    lastWasCr = b == '\r';
                    if (crlfTail) {
                        start = i + 1;
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
                return;
            }
            int colon = text.indexOf(':');
            String field = colon < 0 ? text : text.substring(0, colon);
            if (!field.equals("data")) {
                return;
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
}
