package dev.ragd.chatlog;

import static dev.ragd.testsupport.ChatRecords.T0;
import static dev.ragd.testsupport.ChatRecords.record;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ragd.chatlog.ChatRecord.Status;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChatRecordJsonTest {

    private final ObjectMapper plain = new ObjectMapper();

    @Test
    void jsonUsesTheChatLogSchemaNamesAndTypes() throws Exception {
        JsonNode json = plain.readTree(ChatRecordJson.toJson(record("r1", T0)));

        assertThat(json.properties()).extracting(e -> e.getKey()).containsExactlyInAnyOrder(
                "id", "request_id", "user_question", "timestamp", "final_answer", "user_email", "agents_search_results",
                "status", "model", "retrieval_ms", "first_token_ms", "total_ms", "prompt_tokens",
                "completion_tokens", "trace_id", "feedback", "conversation_id");
        assertThat(json.get("feedback").isNull()).isTrue();
        assertThat(json.get("conversation_id").isNull()).isTrue();
        assertThat(plain.readTree(ChatRecordJson.toJson(record("r1", T0).withConversation("r1")))
                .get("conversation_id").asText()).isEqualTo("r1");
        assertThat(json.get("request_id").asText()).isEqualTo("req-r1");
        assertThat(json.get("timestamp").asText()).isEqualTo("2026-11-26T21:30:00.123Z");
        assertThat(json.get("status").asText()).isEqualTo("completed");
        assertThat(json.get("retrieval_ms").isIntegralNumber()).isTrue();
        assertThat(json.get("total_ms").asLong()).isEqualTo(950);
        JsonNode search = json.get("agents_search_results");
        assertThat(search.isArray()).isTrue();
        assertThat(search.get(0).get("query").asText()).isEqualTo("What is RRF?");
        JsonNode hit = search.get(0).get("hits").get(0);
        assertThat(hit.properties()).extracting(e -> e.getKey())
                .containsExactly("doc_id", "chunk_id", "title", "score");
        assertThat(hit.get("score").isDouble()).isTrue();
    }

    @Test
    void nullFieldsAreWrittenAsJsonNullNotDropped() throws Exception {
        ChatRecord r = new ChatRecord("n", null, T0, null, null, List.of(), Status.failed, null, 0, 0, 0, 0, 0);

        JsonNode json = plain.readTree(ChatRecordJson.toJson(r));

        assertThat(json.has("user_email")).isTrue();
        assertThat(json.get("user_email").isNull()).isTrue();
        assertThat(json.get("final_answer").isNull()).isTrue();
        assertThat(json.get("agents_search_results").size()).isZero();
    }

    @Test
    void roundTripGivesAnEqualRecord() {
        ChatRecord r = record("r1", Instant.parse("2026-01-02T03:04:05.123456789Z"), "Ünï 😀\n\"q\"", "a\tb");

        assertThat(ChatRecordJson.fromJson(ChatRecordJson.toJson(r))).isEqualTo(r);
    }

    @Test
    void aRecordWrittenBeforeRequestIdsWereKeptReadsWithANullRequestId() {
        String old = "{\"id\":\"q-1\",\"user_question\":\"When?\",\"timestamp\":\"2026-11-26T21:30:00.123Z\","
                + "\"final_answer\":\"At 9 [1].\",\"user_email\":null,\"agents_search_results\":[],"
                + "\"status\":\"completed\",\"model\":\"extractive\",\"retrieval_ms\":1,\"first_token_ms\":2,"
                + "\"total_ms\":3,\"prompt_tokens\":0,\"completion_tokens\":4}";

        ChatRecord r = ChatRecordJson.fromJson(old);

        assertThat(r.id()).isEqualTo("q-1");
        assertThat(r.requestId()).isNull();
        assertThat(r).isEqualTo(new ChatRecord("q-1", "When?", T0, "At 9 [1].", null, List.of(), Status.completed,
                "extractive", 1, 2, 3, 0, 4));
    }

    @Test
    void jsonIsOneLineEvenWhenTextHasNewlines() {
        String json = ChatRecordJson.toJson(record("r1", T0, "line1\nline2", "a\r\nb"));

        assertThat(json).doesNotContain("\n").doesNotContain("\r");
    }

    @Test
    void readsATimestampWithAnOffsetAsTheSameInstant() {
        String json = ChatRecordJson.toJson(record("r1", T0)).replace("2026-11-26T21:30:00.123Z",
                "2026-11-26T22:30:00.123+01:00");

        assertThat(ChatRecordJson.fromJson(json).timestamp()).isEqualTo(T0);
    }

    @Test
    void invalidJsonIsRejectedWithAClearMessage() {
        assertThatThrownBy(() -> ChatRecordJson.fromJson("{\"id\": \"x\", \"status\": \"exploded\"}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("not a valid chat record")
                .hasMessageContaining("exploded");
    }

    @Test
    void feedbackIsAnObjectWithRatingReasonCategoriesAndTimeAndRoundTrips() throws Exception {
        Feedback f = new Feedback(Feedback.Rating.down, "Wrong\nprice", List.of("wrong", "price-2"),
                Instant.parse("2026-12-03T09:00:00.5Z"));
        ChatRecord rated = record("r1", T0).withFeedback(f);

        JsonNode json = plain.readTree(ChatRecordJson.toJson(rated)).get("feedback");

        assertThat(json.get("rating").asText()).isEqualTo("down");
        assertThat(json.get("reason").asText()).isEqualTo("Wrong\nprice");
        assertThat(json.get("categories")).extracting(JsonNode::asText).containsExactly("wrong", "price-2");
        assertThat(json.get("at").asText()).isEqualTo("2026-12-03T09:00:00.500Z");
        assertThat(ChatRecordJson.fromJson(ChatRecordJson.toJson(rated))).isEqualTo(rated);
    }
}
