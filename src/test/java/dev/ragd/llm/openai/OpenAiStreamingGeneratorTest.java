package dev.ragd.llm.openai;

import static dev.ragd.llm.openai.FakeUpstream.answer;
import static dev.ragd.llm.openai.FakeUpstream.chunk;
import static dev.ragd.llm.openai.FakeUpstream.data;
import static dev.ragd.llm.openai.FakeUpstream.done;
import static dev.ragd.llm.openai.FakeUpstream.frames;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ragd.llm.Usage;
import io.vertx.core.Future;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OpenAiStreamingGeneratorTest {

    private FakeUpstream upstream;
    private GeneratorHarness harness;

    @BeforeEach
    void setUp() throws Exception {
        upstream = new FakeUpstream(answer(0, "fallback"));
        harness = new GeneratorHarness(upstream);
    }

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
        upstream.close();
    }

    @Test
    void tokens_stream_in_order_to_the_answer_with_usage_on_the_callers_event_loop() throws Exception {
        upstream.then(answer(5, "The", " warranty", " lasts", " two", " years", " [1]."));
        var generator = harness.generator(harness.openAiEnv());

        var run = harness.start(generator);

        assertThat(run.usage()).isEqualTo(new Usage(42, 6));
        assertThat(run.text()).isEqualTo("The warranty lasts two years [1].");
        assertThat(run.handlerThreads).containsExactly(run.contextThread.get());
        assertThat(run.terminalCalls).isEqualTo(1);
        assertThat(generator.model()).isEqualTo("gpt-test");
        assertThat(generator.isLanguageModel()).isTrue();
    }

    @Test
    void openai_request_has_bearer_key_model_stream_options_and_grounded_messages() throws Exception {
        upstream.then(answer(0, "ok"));
        harness.start(harness.generator(harness.openAiEnv())).usage();

        var seen = upstream.requests.getFirst();
        assertThat(seen.method()).isEqualTo("POST");
        assertThat(seen.path()).isEqualTo("/v1/chat/completions");
        assertThat(seen.headers().get("Authorization")).isEqualTo("Bearer " + GeneratorHarness.OPENAI_KEY);
        assertThat(seen.headers().get("api-key")).isNull();
        JsonNode body = new ObjectMapper().readTree(seen.body());
        assertThat(body.path("model").asText()).isEqualTo("gpt-test");
        assertThat(body.path("stream").asBoolean()).isTrue();
        assertThat(body.path("stream_options").path("include_usage").asBoolean()).isTrue();
        assertThat(body.path("max_tokens").asInt()).isEqualTo(800);
        JsonNode messages = body.path("messages");
        assertThat(messages).hasSize(4);
        assertThat(messages.get(0).path("role").asText()).isEqualTo("system");
        assertThat(messages.get(0).path("content").asText()).isEqualTo(Prompts.load().system());
        assertThat(messages.get(1).path("role").asText()).isEqualTo("user");
        assertThat(messages.get(2).path("role").asText()).isEqualTo("assistant");
        assertThat(messages.get(3).path("role").asText()).isEqualTo("user");
        assertThat(messages.get(3).path("content").asText())
                .contains("<sources>\n<passage id=\"1\" title=\"Warranty\">\nThe warranty lasts two years.\n</passage>\n</sources>")
                .endsWith("Question: How long is the warranty?");
    }

    @Test
    void azure_request_uses_deployment_path_api_version_and_api_key_header() throws Exception {
        upstream.then(answer(0, "ok"));
        Map<String, String> env = Map.of("RAGD_LLM", "azure-openai", "AZURE_OPENAI_ENDPOINT", upstream.baseUrl() + "/",
                "AZURE_OPENAI_API_KEY", "0123456789abcdef0123456789abcdef", "AZURE_OPENAI_DEPLOYMENT", "chat-gpt4o",
                "AZURE_OPENAI_API_VERSION", "2024-10-21");
        var generator = harness.generator(env);

        harness.start(generator).usage();

        var seen = upstream.requests.getFirst();
        assertThat(seen.path()).isEqualTo("/openai/deployments/chat-gpt4o/chat/completions");
        assertThat(seen.uri()).endsWith("?api-version=2024-10-21");
        assertThat(seen.headers().get("api-key")).isEqualTo("0123456789abcdef0123456789abcdef");
        assertThat(seen.headers().get("Authorization")).isNull();
        assertThat(new ObjectMapper().readTree(seen.body()).has("model")).isFalse();
        assertThat(generator.model()).isEqualTo("chat-gpt4o");
        assertThat(generator.name()).isEqualTo("azure-openai:chat-gpt4o");
    }

    @Test
    void azure_with_entra_sends_the_token_from_the_source_as_bearer() throws Exception {
        upstream.then(answer(0, "ok"), answer(0, "again"));
        Map<String, String> env = Map.of("RAGD_LLM", "azure-openai", "AZURE_OPENAI_ENDPOINT", upstream.baseUrl(),
                "AZURE_OPENAI_AUTH", "entra", "AZURE_OPENAI_DEPLOYMENT", "chat");
        AtomicInteger fetched = new AtomicInteger();
        var generator = harness.generator(env, () -> {
            fetched.incrementAndGet();
            return Future.succeededFuture("fake-entra-token");
        });

        harness.start(generator).usage();

        var seen = upstream.requests.getFirst();
        assertThat(seen.headers().get("Authorization")).isEqualTo("Bearer fake-entra-token");
        assertThat(seen.headers().get("api-key")).isNull();
        assertThat(fetched.get()).isEqualTo(1);
    }

    @Test
    void upstream_quirks_are_tolerated() throws Exception {
        // Azure prompt-filter chunk first, no role chunk, an empty-content chunk, a keep-alive comment,
        // the last content in the same chunk as finish_reason, CRLF line endings, and no usage at all.
        String filter = "{\"choices\":[],\"prompt_filter_results\":[{\"prompt_index\":0,\"content_filter_results\":{}}]}";
        upstream.then(frames(2, List.of(
                data(filter),
                data(chunk("Two", null, false)),
                data(chunk("", null, false)),
                ": keep-alive\n\n",
                (data(chunk(" years", null, false))).replace("\n", "\r\n"),
                data(chunk(" [1].", "stop", false)),
                done())));

        var run = harness.start(harness.generator(harness.openAiEnv()));

        assertThat(run.usage()).isEqualTo(new Usage(0, 3));
        assertThat(run.tokens).containsExactly("Two", " years", " [1].");
    }

    @Test
    void stream_that_ends_after_finish_reason_without_done_still_ends_normally() throws Exception {
        upstream.then(frames(0, List.of(data(chunk("Yes.", "stop", false)))));
        var run = harness.start(harness.generator(harness.openAiEnv()));
        assertThat(run.usage()).isEqualTo(new Usage(0, 1));
        assertThat(run.text()).isEqualTo("Yes.");
    }

    @Test
    void cancel_closes_the_upstream_connection_and_no_handler_runs_afterwards() throws Exception {
        String[] tokens = new String[40];
        for (int i = 0; i < tokens.length; i++) tokens[i] = " t" + i;
        upstream.then(answer(100, tokens));
        var run = harness.start(harness.generator(harness.openAiEnv()));
        GeneratorHarness.await("first token", () -> !run.tokens.isEmpty(), 5_000);
        int closedBefore = upstream.connectionsClosed.get();

        run.stream.cancel();

        GeneratorHarness.await("upstream sees its connection closed", () -> upstream.connectionsClosed.get() > closedBefore, 1_000);
        int seen = run.tokens.size();
        Thread.sleep(400);
        assertThat(run.tokens).hasSize(seen);
        assertThat(run.end).isNotDone();
        assertThat(upstream.streamsClosedEarly.get()).isEqualTo(1);
    }

    @Test
    void consecutive_streams_reuse_one_kept_alive_upstream_connection() throws Exception {
        var generator = harness.generator(harness.openAiEnv());
        for (int i = 0; i < 5; i++) {
            harness.start(generator).usage();
        }
        assertThat(upstream.requests).hasSize(5);
        assertThat(upstream.connectionsOpened.get()).as("connections opened for 5 sequential streams")
                .isLessThanOrEqualTo(4); // at most one per client event loop, never one per stream
        assertThat(upstream.connectionsClosed.get()).isZero();
    }

    @Test
    void cancel_during_retry_backoff_sends_no_further_request_and_calls_no_handler() throws Exception {
        upstream.then(FakeUpstream.status(429, "{}", "Retry-After", "1"));
        var run = harness.start(harness.generator(harness.openAiEnv()));
        GeneratorHarness.await("first attempt", () -> upstream.requests.size() == 1, 5_000);

        run.stream.cancel();

        Thread.sleep(1_500);
        assertThat(upstream.requests).hasSize(1);
        assertThat(run.end).isNotDone();
        assertThat(run.tokens).isEmpty();
    }

    @Test
    void pause_holds_tokens_until_resume_and_then_delivers_them_all_in_order() throws Exception {
        upstream.then(answer(20, "a", "b", "c", "d", "e", "f"));
        var run = harness.start(harness.generator(harness.openAiEnv()));
        GeneratorHarness.await("first token", () -> !run.tokens.isEmpty(), 5_000);

        run.stream.pause();
        Thread.sleep(50); // let the pause reach the event loop
        int atPause = run.tokens.size();
        Thread.sleep(400);
        assertThat(run.tokens).hasSize(atPause);
        assertThat(run.end).isNotDone();

        run.stream.resume();
        assertThat(run.usage()).isEqualTo(new Usage(42, 6));
        assertThat(run.text()).isEqualTo("abcdef");
    }
}
