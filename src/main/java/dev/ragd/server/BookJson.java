package dev.ragd.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Compact JSON for the book-compatible protocol, with {@code "} inside strings written as
 * {@code \u0022} instead of {@code \"}. Both are the same JSON value, so JSON clients see no
 * difference; but the book's page pulls tokens out of raw frames with the lazy regex
 * {@code "content":"(.*?)"}, which stops at the first {@code "} it meets, escaped or not, and
 * would silently drop the rest of a token that quotes the documents.
 */
final class BookJson {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    static {
        MAPPER.getFactory().setCharacterEscapes(new QuoteEscapes());
    }

    private BookJson() {}

    static String encode(JsonObject frame) {
        try {
            return MAPPER.writeValueAsString(plain(frame));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode a book frame", e);
        }
    }

    /** Vert.x JSON values as plain maps and lists, keeping key order. */
    private static Object plain(Object value) {
        if (value instanceof JsonObject o) {
            Map<String, Object> m = new LinkedHashMap<>();
            o.forEach(e -> m.put(e.getKey(), plain(e.getValue())));
            return m;
        }
        if (value instanceof JsonArray a) {
            List<Object> l = new ArrayList<>(a.size());
            a.forEach(v -> l.add(plain(v)));
            return l;
        }
        return value;
    }

    private static final class QuoteEscapes extends CharacterEscapes {
        private static final SerializedString QUOTE = new SerializedString("\\u0022");
        private final int[] ascii;

        QuoteEscapes() {
            ascii = CharacterEscapes.standardAsciiEscapesForJSON();
            ascii['"'] = CharacterEscapes.ESCAPE_CUSTOM;
        }

        @Override
        public int[] getEscapeCodesForAscii() {
            return ascii;
        }

        @Override
        public SerializableString getEscapeSequence(int ch) {
            return ch == '"' ? QUOTE : null;
        }
    }
}
