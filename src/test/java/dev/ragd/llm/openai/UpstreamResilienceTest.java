package dev.ragd.llm.openai;

import static dev.ragd.llm.openai.FakeUpstream.answer;
import static dev.ragd.llm.openai.FakeUpstream.chunk;
import static dev.ragd.llm.openai.FakeUpstream.data;
import static dev.ragd.llm.openai.FakeUpstream.frames;
import static dev.ragd.llm.openai.FakeUpstream.silent;
import static dev.ragd.llm.openai.FakeUpstream.stallAfter;
import static dev.ragd.llm.openai.FakeUpstream.status;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ragd.llm.UpstreamException;
import dev.ragd.llm.UpstreamException.Kind;
import dev.ragd.llm.Usage;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class UpstreamResilienceTest {

    private static final String RATE_LIMIT_BODY = "{\"error\":{\"message\":\"Rate limit reached for gpt-test\","
            + "\"type\":\"requests\",\"code\":\"rate_limit_exceeded\"}}";

    private FakeUpstream upstream;
    private GeneratorHarness harness;
    private Map<String, String> env;

    @BeforeEach
    void setUp() throws Exception {
        upstream = new FakeUpstream(answer(0, "fine"));
        harness = new GeneratorHarness(upstream);
        env = harness.openAiEnv();
    }

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
        upstream.close();
    }

    @Test
    void rate_limit_before_the_first_token_is_retried_after_the_retry_after_delay() throws Exception {
        upstream.then(status(429, RATE_LIMIT_BODY, "Retry-After", "1"), answer(0, "Two", " years."));

        var run = harness.start(harness.generator(env));

        assertThat(run.usage()).isEqualTo(new Usage(42, 2));
        assertThat(run.text()).isEqualTo("Two years.");
        assertThat(upstream.requests).hasSize(2);
        long waited = upstream.requests.get(1).atMs() - upstream.requests.get(0).atMs();
        assertThat(waited).as("gap between attempts honours Retry-After: 1").isGreaterThanOrEqualTo(950);
    }

    @Test
    void azure_retry_after_ms_header_is_preferred_to_backoff() throws Exception {
        upstream.then(status(429, RATE_LIMIT_BODY, "retry-after-ms", "600"), answer(0, "ok"));

        var run = harness.start(harness.generator(env));

        run.usage();
        long waited = upstream.requests.get(1).atMs() - upstream.requests.get(0).atMs();
        assertThat(waited).isGreaterThanOrEqualTo(570);
    }

    @Test
    void rate_limit_after_the_first_token_cuts_the_answer_and_is_never_retried() throws Exception {
        upstream.then(frames(5, List.of(data(chunk("Two", null, false)), data(chunk(" years", null, false)),
                data(RATE_LIMIT_BODY))));

        var run = harness.start(harness.generator(env));

        UpstreamException e = run.error();
        assertThat(e.kind()).isEqualTo(Kind.CUT);
        assertThat(e.getMessage()).contains("after 2 tokens");
        assertThat(run.text()).isEqualTo("Two years");
        Thread.sleep(300);
        assertThat(upstream.requests).as("no retry after tokens were sent").hasSize(1);
        assertThat(run.terminalCalls).isEqualTo(1);
    }

    @Test
    void connection_dropped_mid_stream_cuts_the_answer_without_retry() throws Exception {
        upstream.then((req, res, up) -> {
            res.setChunked(true).putHeader("Content-Type", "text/event-stream");
            res.write(data(chunk("Partial", null, false)));
            up.vertx().setTimer(50, t -> req.connection().close());
        });

        UpstreamException e = harness.start(harness.generator(env)).error();

        assertThat(e.kind()).isEqualTo(Kind.CUT);
        assertThat(upstream.requests).hasSize(1);
    }

    @Test
    void server_errors_are_retried_then_reported_unavailable_when_retries_run_out() throws Exception {
        env.put("RAGD_LLM_MAX_RETRIES", "2");
        upstream.fallback(status(503, "{\"error\":{\"message\":\"overloaded\"}}"));

        UpstreamException e = harness.start(harness.generator(env)).error();

        assertThat(e.kind()).isEqualTo(Kind.UNAVAILABLE);
        assertThat(e.status()).isEqualTo(503);
        assertThat(e.retryable()).isTrue();
        assertThat(e.retryAfterMs()).isNotNull();
        assertThat(e.getMessage()).contains("overloaded").contains("gave up after 3 attempts");
        assertThat(upstream.requests).hasSize(3);
    }

    @Test
    void rate_limits_that_outlast_the_retry_budget_end_rate_limited_with_the_upstreams_retry_after() throws Exception {
        env.put("RAGD_LLM_RETRY_BUDGET_MS", "1500");
        upstream.fallback(status(429, RATE_LIMIT_BODY, "Retry-After", "1"));

        UpstreamException e = harness.start(harness.generator(env)).error();

        assertThat(e.kind()).isEqualTo(Kind.RATE_LIMITED);
        assertThat(e.retryAfterMs()).isEqualTo(1_000L);
        assertThat(upstream.requests).as("one retry fits a 1.5 s budget, a second does not").hasSize(2);
    }

    @Test
    void connection_refused_is_retried_then_unavailable() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        env.put("OPENAI_BASE_URL", "http://127.0.0.1:" + closedPort + "/v1");
        env.put("RAGD_LLM_MAX_RETRIES", "1");

        UpstreamException e = harness.start(harness.generator(env)).error();

        assertThat(e.kind()).isEqualTo(Kind.UNAVAILABLE);
        assertThat(e.getMessage()).contains("gave up after 2 attempts");
    }

    @Test
    void silence_after_tokens_is_reported_stalled_and_the_upstream_is_closed() throws Exception {
        env.put("RAGD_LLM_STALL_TIMEOUT_MS", "300");
        upstream.then(stallAfter("Two", " years"));

        var run = harness.start(harness.generator(env));

        UpstreamException e = run.error();
        assertThat(e.kind()).isEqualTo(Kind.STALLED);
        assertThat(e.getMessage()).contains("answer cut");
        assertThat(run.text()).isEqualTo("Two years");
        GeneratorHarness.await("upstream stream closed", () -> upstream.streamsClosedEarly.get() == 1, 1_000);
        assertThat(upstream.requests).hasSize(1);
    }

    @Test
    void no_first_token_in_time_is_a_timeout_and_is_not_retried() throws Exception {
        env.put("RAGD_LLM_FIRST_TOKEN_TIMEOUT_MS", "300");
        upstream.fallback(silent());

        UpstreamException e = harness.start(harness.generator(env)).error();

        assertThat(e.kind()).isEqualTo(Kind.TIMEOUT);
        assertThat(upstream.requests).hasSize(1);
    }

    @Test
    void client_errors_are_not_retried() throws Exception {
        upstream.fallback(status(404, "{\"error\":{\"message\":\"The model does not exist\"}}"));

        UpstreamException e = harness.start(harness.generator(env)).error();

        assertThat(e.kind()).isEqualTo(Kind.BAD_REQUEST);
        assertThat(e.retryable()).isFalse();
        assertThat(upstream.requests).hasSize(1);
    }

    @Test
    void breaker_opens_after_consecutive_failures_fails_fast_then_half_opens_and_recovers() throws Exception {
        env.put("RAGD_LLM_MAX_RETRIES", "0");
        env.put("RAGD_BREAKER_FAILURES", "3");
        env.put("RAGD_BREAKER_RESET_MS", "500");
        upstream.fallback(status(500, "{\"error\":{\"message\":\"boom\"}}"));
        var generator = harness.generator(env);

        for (int i = 0; i < 3; i++) {
            assertThat(harness.start(generator).error().kind()).isEqualTo(Kind.UNAVAILABLE);
        }
        assertThat(generator.health().circuitOpen()).isTrue();
        UpstreamException fast = harness.start(generator).error();
        assertThat(fast.kind()).isEqualTo(Kind.CIRCUIT_OPEN);
        assertThat(fast.retryAfterMs()).isBetween(1L, 500L);
        assertThat(upstream.requests).as("open breaker does not call the upstream").hasSize(3);

        upstream.fallback(answer(0, "back"));
        GeneratorHarness.await("half-open", () -> generator.health().retryAfterMs() == 0, 2_000);
        var trial = harness.start(generator);
        assertThat(trial.usage()).isEqualTo(new Usage(42, 1));
        assertThat(generator.health().circuitOpen()).isFalse();
        assertThat(upstream.requests).hasSize(4);
        harness.start(generator).usage();
    }
}
