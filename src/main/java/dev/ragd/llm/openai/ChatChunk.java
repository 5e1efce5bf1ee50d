package dev.ragd.llm.openai;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.NumberInput;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ragd.llm.Usage;
import java.io.IOException;

/**
 * One parsed {@code chat.completion.chunk} (or an in-stream error event) of a streamed chat completion.
 *
 * <p>Tolerates what real upstreams send: a first chunk with only the role, chunks whose content is
 * empty or absent, {@code finish_reason} in the same chunk as the last content, {@code usage} in a
 * final chunk with empty {@code choices} (or not at all), and Azure's prompt-filter chunks with
 * empty {@code choices} before the first token. Fields may come in any order; unknown fields are
 * skipped; only the first choice is read; a repeated key counts with its last value; anything after
 * the top-level object is not looked at.
 *
 * @param content      text delta of the first choice, or {@code null} when there is none (or it is empty)
 * @param finishReason e.g. {@code stop}, {@code length}, {@code content_filter}; or {@code null}
 * @param usage        token counts when this chunk carries them, else {@code null}
 * @param errorMessage message of an in-stream {@code {"error": ...}} event, else {@code null}
 * @param errorCode    code or type of that error (e.g. {@code rate_limit_exceeded}), else {@code null}
 */
public record ChatChunk(String content, String finishReason, Usage usage, String errorMessage, String errorCode) {

    /** The end-of-stream sentinel's data. */
    public static final String DONE = "[DONE]";

    /** Reads the (rare) error value as a tree; its factory is the one shared, thread-safe parser factory. */
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonFactory FACTORY = JSON.getFactory();
    private static final SerializedString ID = new SerializedString("id");
    private static final SerializedString OBJECT = new SerializedString("object");
    private static final SerializedString CREATED = new SerializedString("created");
    private static final SerializedString MODEL = new SerializedString("model");
    private static final SerializedString SYSTEM_FINGERPRINT = new SerializedString("system_fingerprint");
    private static final SerializedString CHOICES = new SerializedString("choices");
    private static final SerializedString INDEX = new SerializedString("index");
    private static final SerializedString DELTA = new SerializedString("delta");
    private static final SerializedString LOGPROBS = new SerializedString("logprobs");
    private static final SerializedString FINISH_REASON = new SerializedString("finish_reason");
    private static final SerializedString CONTENT = new SerializedString("content");

    /**
     * Parses one event's data (not {@link #DONE}) in one streaming pass, reading only the fields it needs.
     *
     * @throws IllegalArgumentException when the data is not a JSON object
     */
    public static ChatChunk parse(String data) {
        if (data == null) {
            throw new IllegalArgumentException("stream event has no data");
        }
        try (JsonParser p = FACTORY.createParser(data)) {
            JsonToken first = p.nextToken();
            if (first != JsonToken.START_OBJECT) {
                if (first == JsonToken.VALUE_STRING) {
                    p.getText(); // strings are read lazily: a broken one still says "not JSON"
                }
                p.skipChildren(); // so does a broken array
                throw new IllegalArgumentException("stream event is not a JSON object");
            }
            return new Reader(p).root();
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("stream event is not JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new IllegalArgumentException("stream event is not JSON: " + e.getMessage(), e);
        }
    }

    /** Like {@link #parse}, but malformed data becomes an error chunk (code {@code malformed}) instead of an exception. */
    public static ChatChunk read(String data) {
        try {
            return parse(data);
        } catch (IllegalArgumentException e) {
            return new ChatChunk(null, null, null, "malformed stream event: " + e.getMessage(), "malformed");
        }
    }

    public boolean isError() {
        return errorMessage != null;
    }

    /** The state of one pass; the parser stands on the value of the field being read. */
    private static final class Reader {
        private final JsonParser p;
        private String content;
        private String finish;
        private Usage usage;
        private JsonNode error;

        Reader(JsonParser p) {
            this.p = p;
        }

        ChatChunk root() throws IOException {
            for (String name = nextName(ID); name != null; name = nextName(rootNameAfter(name))) {
                JsonToken t = p.nextToken();
                switch (name) {
                    case "choices" -> choices(t);
                    case "usage" -> usage = t == JsonToken.START_OBJECT ? usage() : skip(null);
                    case "error" -> error = t == JsonToken.VALUE_NULL ? null : JSON.readTree(p);
                    default -> p.skipChildren();
                }
            }
            if (error != null) {
                String message = error.isObject() ? error.path("message").asText("") : error.asText("");
                String code = error.isObject() ? firstText(error, "code", "type") : null;
                return new ChatChunk(null, null, null, message, code);
            }
            return new ChatChunk(content, finish, usage, null, null);
        }

        private void choices(JsonToken t) throws IOException {
            content = null;
            finish = null;
            if (t != JsonToken.START_ARRAY) {
                p.skipChildren();
                return;
            }
            JsonToken element = p.nextToken();
            if (element == JsonToken.START_OBJECT) {
                choice();
            } else {
                p.skipChildren();
            }
            if (element == JsonToken.END_ARRAY) {
                return; // empty choices
            }
            while (p.nextToken() != JsonToken.END_ARRAY) {
                p.skipChildren(); // other choices (n > 1) are not used
            }
        }

        private void choice() throws IOException {
            for (String name = nextName(INDEX); name != null; name = nextName(choiceNameAfter(name))) {
                JsonToken t = p.nextToken();
                switch (name) {
                    case "delta" -> {
                        content = null;
                        if (t == JsonToken.START_OBJECT) {
                            delta();
                        } else {
                            p.skipChildren();
                        }
                    }
                    case "finish_reason" -> finish = t == JsonToken.VALUE_STRING ? p.getText() : skip(null);
                    default -> p.skipChildren();
                }
            }
        }

        private void delta() throws IOException {
            for (String name = nextName(CONTENT); name != null; name = nextName(null)) {
                JsonToken t = p.nextToken();
                if (name.equals("content")) {
                    String text = t == JsonToken.VALUE_STRING ? p.getText() : skip(null);
                    content = text == null || text.isEmpty() ? null : text;
                } else {
                    p.skipChildren();
                }
            }
        }

        private Usage usage() throws IOException {
            int prompt = 0;
            int completion = 0;
            for (String name = p.nextFieldName(); name != null; name = p.nextFieldName()) {
                JsonToken t = p.nextToken();
                switch (name) {
                    case "prompt_tokens" -> prompt = asInt(t);
                    case "completion_tokens" -> completion = asInt(t);
                    default -> p.skipChildren();
                }
            }
            return new Usage(prompt, completion);
        }

        /** What {@link JsonNode#asInt(int)} with default 0 gives for the current value. */
        private int asInt(JsonToken t) throws IOException {
            return switch (t) {
                case VALUE_NUMBER_INT -> p.getNumberType() == JsonParser.NumberType.BIG_INTEGER
                        ? p.getBigIntegerValue().intValue() : (int) p.getLongValue();
                case VALUE_NUMBER_FLOAT -> (int) p.getDoubleValue();
                case VALUE_STRING -> NumberInput.parseAsInt(p.getText(), 0);
                case VALUE_TRUE -> 1;
                default -> skip(0);
            };
        }

        /**
         * The next field name of the current object, or {@code null} at its end. When the name is
         * the {@code expected} one, Jackson matches it against the input directly instead of
         * hashing and looking it up; any other name costs what {@link JsonParser#nextFieldName()} does.
         */
        private String nextName(SerializedString expected) throws IOException {
            if (expected == null) {
                return p.nextFieldName();
            }
            if (p.nextFieldName(expected)) {
                return expected.getValue();
            }
            return p.currentToken() == JsonToken.FIELD_NAME ? p.currentName() : null;
        }

        /** Skips the current value (if a container) and returns {@code result}. */
        private <T> T skip(T result) throws IOException {
            p.skipChildren();
            return result;
        }
    }

    /** The order in which OpenAI (and vLLM, Ollama, ...) write a chunk's fields; only a speed hint. */
    private static SerializedString rootNameAfter(String name) {
        return switch (name) {
            case "id" -> OBJECT;
            case "object" -> CREATED;
            case "created" -> MODEL;
            case "model" -> SYSTEM_FINGERPRINT;
            case "system_fingerprint" -> CHOICES;
            default -> null;
        };
    }

    private static SerializedString choiceNameAfter(String name) {
        return switch (name) {
            case "index" -> DELTA;
            case "delta" -> LOGPROBS;
            case "logprobs" -> FINISH_REASON;
            default -> null;
        };
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
}
