package dev.ragd.llm.openai;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ragd.llm.Usage;

/**
 * One parsed {@code chat.completion.chunk} (or an in-stream error event) of a streamed chat completion.
 *
 * <p>Tolerates what real upstreams send: a first chunk with only the role, chunks whose content is
 * empty or absent, {@code finish_reason} in the same chunk as the last content, {@code usage} in a
 * final chunk with empty {@code choices} (or not at all), and Azure's prompt-filter chunks with
 * empty {@code choices} before the first token.
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

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Parses one event's data (not {@link #DONE}).
     *
     * @throws IllegalArgumentException when the data is not a JSON object
     */
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
