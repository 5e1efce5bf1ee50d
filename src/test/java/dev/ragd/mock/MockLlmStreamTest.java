package dev.ragd.mock;

import static dev.ragd.mock.MockFixture.BEARER;
import static dev.ragd.mock.MockFixture.chat;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MockLlmStreamTest {

    private static final String SOURCES = "Use the sources.\n[1] Title: Tomatoes\nTomatoes grow best in full sun. "
            + "Pinch side shoots weekly.\n[2] Title: Basil\nBasil likes warm soil.";
    private static final String QUESTION = "How much sun do tomatoes need?";

    private static String content(List<JsonObject> chunks) {
        StringBuilder sb = new StringBuilder();
        for (JsonObject c : chunks) {
            if (!c.getJsonArray("choices").isEmpty()) {
                sb.append(c.getJsonArray("choices").getJsonObject(0).getJsonObject("delta").getString("content", ""));
            }
        }
        return sb.toString();
    }

    private static JsonObject choice(JsonObject chunk) {
        return chunk.getJsonArray("choices").getJsonObject(0);
    }

    @Test
    void streamSendsRoleChunkContentFinishUsageThenDone() throws Exception {
        try (MockFixture f = new MockFixture(MockLlmOptions.defaults())) {
            MockFixture.Reply r = f.post("/v1/chat/completions", BEARER, chat(true, true, QUESTION, SOURCES));

            assertThat(r.status()).isEqualTo(200);
            assertThat(r.headers().get("content-type")).startsWith("text/event-stream");
            List<JsonObject> chunks = r.chunks();
            JsonObject first = chunks.get(0);
            assertThat(first.getString("object")).isEqualTo("chat.completion.chunk");
            assertThat(first.getString("id")).startsWith("chatcmpl-");
            assertThat(first.getString("model")).isEqualTo("gpt-4o-mini");
            assertThat(first.getLong("created")).isPositive();
            assertThat(choice(first).getInteger("index")).isZero();
            assertThat(choice(first).getJsonObject("delta").getMap()).containsEntry("role", "assistant").containsEntry("content", "");
            assertThat(choice(first).containsKey("finish_reason")).isTrue();
            assertThat(choice(first).getString("finish_reason")).isNull();
            assertThat(chunks).allMatch(c -> c.getString("id").equals(first.getString("id")));

            JsonObject finish = chunks.get(chunks.size() - 2);
            assertThat(choice(finish).getJsonObject("delta").isEmpty()).isTrue();
            assertThat(choice(finish).getString("finish_reason")).isEqualTo("stop");
            JsonObject usage = chunks.get(chunks.size() - 1);
            assertThat(usage.getJsonArray("choices")).isEmpty();
            int completion = usage.getJsonObject("usage").getInteger("completion_tokens");
            assertThat(completion).isEqualTo(chunks.size() - 3);
            assertThat(usage.getJsonObject("usage").getInteger("total_tokens"))
                    .isEqualTo(usage.getJsonObject("usage").getInteger("prompt_tokens") + completion);
            assertThat(chunks.subList(0, chunks.size() - 1)).allMatch(c -> c.containsKey("usage") && c.getValue("usage") == null);
            assertThat(content(chunks)).isEqualTo("Tomatoes grow best in full sun [1].");
            assertThat(f.server.stats().tokensSent()).isEqualTo(completion);
        }
    }

    @Test
    void withoutIncludeUsageThereIsNoUsageChunkNorUsageField() throws Exception {
        try (MockFixture f = new MockFixture(MockLlmOptions.defaults())) {
            List<JsonObject> chunks = f.post("/v1/chat/completions", BEARER, chat(true, false, QUESTION, SOURCES)).chunks();

            assertThat(chunks).noneMatch(c -> c.containsKey("usage"));
            assertThat(choice(chunks.get(chunks.size() - 1)).getString("finish_reason")).isEqualTo("stop");
        }
    }

    @Test
    void tokensKnobSetsTheAnswerLengthByRepeatingGroundedText() throws Exception {
        try (MockFixture f = new MockFixture(MockLlmOptions.defaults().withTokens(40))) {
            List<JsonObject> chunks = f.post("/v1/chat/completions", BEARER, chat(true, true, QUESTION, SOURCES)).chunks();

            assertThat(chunks.get(chunks.size() - 1).getJsonObject("usage").getInteger("completion_tokens")).isEqualTo(40);
            assertThat(content(chunks)).startsWith("Tomatoes grow best in full sun [1]. Tomatoes grow");
        }
    }

    @Test
    void omitRoleChunkQuirkPutsTheRoleOnTheFirstContentChunk() throws Exception {
        try (MockFixture f = new MockFixture(MockLlmOptions.defaults().withOmitRoleChunk(true))) {
            List<JsonObject> chunks = f.post("/v1/chat/completions", BEARER, chat(true, false, QUESTION, SOURCES)).chunks();

            JsonObject delta = choice(chunks.get(0)).getJsonObject("delta");
            assertThat(delta.getString("role")).isEqualTo("assistant");
            assertThat(delta.getString("content")).isEqualTo("Tomatoes");
        }
    }

    @Test
    void finishWithLastTokenQuirkSendsLastContentAndFinishReasonTogether() throws Exception {
        try (MockFixture f = new MockFixture(MockLlmOptions.defaults().withFinishWithLastToken(true))) {
            List<JsonObject> chunks = f.post("/v1/chat/completions", BEARER, chat(true, false, QUESTION, SOURCES)).chunks();

            JsonObject last = choice(chunks.get(chunks.size() - 1));
            assertThat(last.getJsonObject("delta").getString("content")).isEqualTo(" [1].");
            assertThat(last.getString("finish_reason")).isEqualTo("stop");
            assertThat(chunks.subList(0, chunks.size() - 1)).allMatch(c -> choice(c).getString("finish_reason") == null);
        }
    }

    @Test
    void noUsageQuirkIgnoresIncludeUsage() throws Exception {
        try (MockFixture f = new MockFixture(MockLlmOptions.defaults().withNoUsage(true))) {
            List<JsonObject> chunks = f.post("/v1/chat/completions", BEARER, chat(true, true, QUESTION, SOURCES)).chunks();

            assertThat(chunks).noneMatch(c -> c.containsKey("usage"));
            assertThat(chunks).allMatch(c -> !c.getJsonArray("choices").isEmpty());
        }
    }

    @Test
    void azureStreamStartsWithPromptFilterResultsAndCarriesContentFilterResults() throws Exception {
        try (MockFixture f = new MockFixture(MockLlmOptions.defaults())) {
            List<JsonObject> chunks = f.post("/openai/deployments/gpt4o/chat/completions?api-version=2024-10-21",
                    Map.of("api-key", "azure-key"), chat(true, true, QUESTION, SOURCES)).chunks();

            assertThat(chunks.get(0).getJsonArray("choices")).isEmpty();
            assertThat(chunks.get(0).getJsonArray("prompt_filter_results")).hasSize(1);
            assertThat(chunks.get(1).getString("model")).isEqualTo("gpt4o");
            assertThat(choice(chunks.get(2)).containsKey("content_filter_results")).isTrue();
            assertThat(content(chunks)).isEqualTo("Tomatoes grow best in full sun [1].");
            assertThat(chunks.get(chunks.size() - 1).getJsonObject("usage").getInteger("completion_tokens")).isPositive();
        }
    }

    @Test
    void perTokenDelayStillDeliversTheWholeStream() throws Exception {
        try (MockFixture f = new MockFixture(MockLlmOptions.defaults().withTtftMs(20).withTokenMs(2))) {
            List<JsonObject> chunks = f.post("/v1/chat/completions", BEARER, chat(true, false, QUESTION, SOURCES)).chunks();

            assertThat(content(chunks)).isEqualTo("Tomatoes grow best in full sun [1].");
            assertThat(f.server.stats().openStreams()).isZero();
            assertThat(f.server.stats().maxOpenStreams()).isEqualTo(1);
        }
    }
}
