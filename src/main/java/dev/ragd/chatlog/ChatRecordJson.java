package dev.ragd.chatlog;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/**
 * The JSON form of a {@link ChatRecord}: one object with snake_case names ({@code id},
 * {@code request_id}, {@code user_question}, {@code timestamp}, {@code final_answer}, {@code user_email},
 * {@code agents_search_results} as an array of {@code {query, hits:[{doc_id, chunk_id, title, score}]}},
 * {@code status}, {@code model}, {@code retrieval_ms}, {@code first_token_ms}, {@code total_ms},
 * {@code prompt_tokens}, {@code completion_tokens}, {@code trace_id}, {@code feedback} as
 * {@code {rating, reason, categories, at}} or null, {@code conversation_id}). The timestamp is an ISO-8601 UTC string
 * ({@code 2026-11-26T21:30:00.123Z}); null values are written as JSON null, never dropped. A
 * record without {@code request_id}, {@code trace_id}, {@code feedback} or {@code conversation_id} (written before
 * ragd kept them) reads with nulls.
 * Thread-safe; the mapper is configured once.
 */
public final class ChatRecordJson {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .build();

    private ChatRecordJson() {}

    /** One line of JSON (no newlines inside; newlines in strings are escaped). */
    public static String toJson(ChatRecord record) {
        try {
            return MAPPER.writeValueAsString(record);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise chat record " + record.id() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Parses the JSON form back into a record.
     *
     * @throws IllegalArgumentException when the text is not a valid chat record, naming the problem
     */
    public static ChatRecord fromJson(String json) {
        try {
            return MAPPER.readValue(json, ChatRecord.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a valid chat record: " + e.getOriginalMessage(), e);
        }
    }
}
