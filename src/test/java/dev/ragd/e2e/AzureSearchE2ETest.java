package dev.ragd.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ragd.testsupport.Await;
import dev.ragd.testsupport.ChatPost;
import dev.ragd.testsupport.FakeAzureSearch;
import dev.ragd.testsupport.RunningApp;
import dev.ragd.testsupport.Scrape;
import dev.ragd.testsupport.SearchIndexes;
import dev.ragd.testsupport.TestEmbedders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * ragd serving from Azure AI Search ({@link FakeAzureSearch}) end to end: answers cite the
 * service's documents, the warm-up searches nothing there, a throttled service is waited for and
 * counted, and one that stays throttled gives the user a retryable {@code search_unavailable}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AzureSearchE2ETest {

    FakeAzureSearch search;
    RunningApp app;
    int searchesBeforeAnyQuestion;

    @BeforeAll
    void start() throws Exception {
        search = new FakeAzureSearch("e2e-key").index(SearchIndexes.ragd("catalogue", 384, false));
        var embedder = TestEmbedders.local();
        List<JsonObject> docs = List.of(
                doc("kettle-1", "Zephyr Kettle", "The Zephyr kettle keeps water hot for twelve hours. Warranty: 3 years.",
                        "kitchen"),
                doc("lamp-1", "Nimbus Lamp", "The Nimbus desk lamp has a dimmer. Warranty: 2 years.", "lighting"));
        search.documents("catalogue", docs.stream().map(d -> d.put("vector", SearchIndexes.vector(embedder.embedPassages(
                List.of(d.getString("title") + "\n" + d.getString("content"))).getFirst()))).toList());
        app = RunningApp.start(Map.of("RAGD_RETRIEVER", "azure-ai-search", "AI_SEARCH_ENDPOINT", search.endpoint(),
                "AI_SEARCH_NAME", "catalogue", "AI_SEARCH_KEY", "e2e-key", "RAGD_SEARCH_BUDGET_MS", "1500",
                "RAGD_WARMUP_MS", "800", "RAGD_SEARCH_CLIENT_FILTERS", "category"));
        HttpClient http = HttpClient.newHttpClient();
        Await.untilPasses(() -> assertThat(http.send(HttpRequest.newBuilder(URI.create(app.baseUrl() + "readyz")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200));
        searchesBeforeAnyQuestion = search.searches().size();
    }

    @AfterAll
    void stop() throws Exception {
        app.close();
        search.close();
    }

    static JsonObject doc(String id, String title, String content, String category) {
        return new JsonObject().put("id", id).put("title", title).put("content", content).put("category", category);
    }

    ChatPost.Reply ask(String question) throws Exception {
        return ask(question, null);
    }

    ChatPost.Reply ask(String question, JsonObject filters) throws Exception {
        JsonObject body = new JsonObject().put("messages", new JsonArray().add(new JsonObject()
                .put("role", "user").put("content", question))).put("stream", false);
        if (filters != null) {
            body.put("filters", filters);
        }
        return ChatPost.post(app.port(), body.encode(), Duration.ofSeconds(20));
    }

    @Test
    void aClientFilterNarrowsTheSearchToTheConfiguredField() throws Exception {
        ChatPost.Reply reply = ask("What is the warranty?", new JsonObject().put("category", "lighting"));

        assertThat(reply.status()).isEqualTo(200);
        JsonArray sources = new JsonObject(reply.body()).getJsonArray("sources");
        assertThat(sources.stream().map(o -> ((JsonObject) o).getString("doc_id"))).containsOnly("lamp-1");
        assertThat(search.searches().getLast().json().getString("filter")).isEqualTo("category eq 'lighting'");
    }

    @Test
    void aFilterOnAnotherFieldIsRefusedAndAQuotedValueStaysOneValue() throws Exception {
        ChatPost.Reply refused = ask("What is the warranty?", new JsonObject().put("colour", "teal"));
        assertThat(refused.status()).isEqualTo(400);
        assertThat(new JsonObject(refused.body()).getJsonObject("error").getString("message"))
                .isEqualTo("filters may name category, not colour");

        ChatPost.Reply hostile = ask("What is the warranty?", new JsonObject().put("category", "kitchen' or category ne '"));
        assertThat(hostile.status()).isEqualTo(200);
        assertThat(search.searches().getLast().json().getString("filter"))
                .isEqualTo("category eq 'kitchen'' or category ne '''");
        assertThat(new JsonObject(hostile.body()).getJsonArray("sources", new JsonArray())).isEmpty();
    }

    @Test
    void answersCiteTheServicesDocumentsAndTheWarmUpSearchedNothingThere() throws Exception {
        assertThat(searchesBeforeAnyQuestion).as("searches before the first question (the warm-up's included)").isZero();
        int before = search.searches().size();

        ChatPost.Reply reply = ask("How long does the Zephyr kettle keep water hot?");

        assertThat(reply.status()).isEqualTo(200);
        JsonObject body = new JsonObject(reply.body());
        assertThat(body.getString("answer")).contains("twelve hours");
        assertThat(body.getJsonArray("sources").getJsonObject(0).getString("doc_id")).isEqualTo("kettle-1");
        assertThat(search.searches()).hasSize(before + 1);
        assertThat(search.searches().getLast().json().getJsonArray("vectorQueries")).hasSize(1);
    }

    @Test
    void aThrottledServiceIsWaitedForAndCounted() throws Exception {
        search.failNext(1, 429, Map.of("retry-after-ms", "50"));

        assertThat(ask("Does the lamp have a dimmer?").status()).isEqualTo(200);

        assertThat(Scrape.of(app.baseUrl()).value("ragd_search_throttled_total", "service", "azure-ai-search",
                "status", "429")).isGreaterThanOrEqualTo(1);
    }

    @Test
    void aServiceThatStaysThrottledGivesARetryableSearchUnavailable() throws Exception {
        search.failNext(20, 429, Map.of("Retry-After", "30"));
        try {
            ChatPost.Reply reply = ask("What is the warranty of the lamp?");

            assertThat(reply.status()).isEqualTo(503);
            JsonObject error = new JsonObject(reply.body()).getJsonObject("error");
            assertThat(error.getString("code")).isEqualTo("search_unavailable");
            assertThat(error.getBoolean("retryable")).isTrue();
            assertThat(error.getLong("retry_after_ms")).isEqualTo(30_000L);
            assertThat(Scrape.of(app.baseUrl()).value("ragd_search_unavailable_total", "service", "azure-ai-search"))
                    .isGreaterThanOrEqualTo(1);
        } finally {
            search.clearFaults();
        }
    }
}
