package dev.ragd.mock;

import static dev.ragd.mock.MockFixture.BEARER;
import static dev.ragd.mock.MockFixture.chat;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class MockLlmQuotaTest {

    private static final String SOURCES = "[1] Title: Basil\nBasil likes warm soil. Water basil in the morning.";
    private static final String BODY = chat(false, false, "When to water basil?", SOURCES);
    private static final String AZURE = "/openai/deployments/d/chat/completions?api-version=2024-10-21";
    /** 10 minutes and 50 seconds: the minute resets in 10 s. */
    private static final long T0 = 650_000;

    @Test
    void theQuotaIsChargedPerMinuteRefusedWhenItCannotPayAndResetsWhenTheMinuteTurns() {
        AtomicLong now = new AtomicLong(T0);
        RateLimitHeaders quota = new RateLimitHeaders(now::get, 0, 1_000);

        RateLimitHeaders.Headroom first = quota.take(400);
        RateLimitHeaders.Headroom second = quota.take(400);
        RateLimitHeaders.Headroom third = quota.take(400);

        assertThat(first.admitted()).isTrue();
        assertThat(first.remainingTokens()).isEqualTo(600);
        assertThat(first.limitRequests()).as("rpm 0: nominal").isEqualTo(MockLlmOptions.NOMINAL_RPM);
        assertThat(second.remainingTokens()).isEqualTo(200);
        assertThat(third.admitted()).isFalse();
        assertThat(third.tokensRefused()).isTrue();
        assertThat(third.remainingTokens()).isZero();
        assertThat(third.retryAfterS()).isEqualTo(10);
        assertThat(quota.take(200).admitted()).as("a refusal charges nothing: 200 still fit").isTrue();

        now.addAndGet(9_500);
        assertThat(quota.take(1).retryAfterS()).as("rounded up").isEqualTo(1);
        now.addAndGet(500);
        RateLimitHeaders.Headroom next = quota.take(400);
        assertThat(next.admitted()).isTrue();
        assertThat(next.remainingTokens()).isEqualTo(600);
        assertThat(next.retryAfterS()).isEqualTo(60);
    }

    @Test
    void withoutAQuotaNothingIsRefusedAndTheNominalHeadroomFloorsAtZero() {
        RateLimitHeaders quota = new RateLimitHeaders(() -> T0, 0, 0);

        RateLimitHeaders.Headroom h = quota.take(MockLlmOptions.NOMINAL_TPM + 5);

        assertThat(h.admitted()).isTrue();
        assertThat(h.remainingTokens()).isZero();
        assertThat(h.limitTokens()).isEqualTo(MockLlmOptions.NOMINAL_TPM);
    }

    @Test
    void overTheTokensPerMinuteTheApiAnswers429UntilTheMinuteResetsThenRecovers() throws Exception {
        MockLlmOptions options = MockLlmOptions.defaults().withTokens(10);
        long cost = ChatCompletions.quotaCost(new JsonObject(BODY), options);
        long tpm = 2 * cost + cost / 2;
        AtomicLong now = new AtomicLong(T0);
        try (MockFixture f = new MockFixture(options.withTpm(tpm), now::get)) {
            MockFixture.Reply one = f.post("/v1/chat/completions", BEARER, BODY);
            MockFixture.Reply two = f.post("/v1/chat/completions", BEARER, BODY);
            MockFixture.Reply over = f.post("/v1/chat/completions", BEARER, BODY);
            MockFixture.Reply azure = f.post(AZURE, Map.of("api-key", "k", "content-type", "application/json"), BODY);

            assertThat(one.status()).isEqualTo(200);
            assertThat(one.headers().get("x-ratelimit-limit-tokens")).isEqualTo(Long.toString(tpm));
            assertThat(one.headers().get("x-ratelimit-remaining-tokens")).isEqualTo(Long.toString(tpm - cost));
            assertThat(two.status()).isEqualTo(200);
            assertThat(two.headers().get("x-ratelimit-remaining-tokens")).isEqualTo(Long.toString(tpm - 2 * cost));
            assertThat(over.status()).isEqualTo(429);
            assertThat(over.headers().get("retry-after")).isEqualTo("10");
            assertThat(over.headers().get("x-ratelimit-remaining-tokens")).isEqualTo("0");
            assertThat(over.headers().get("x-ratelimit-reset-tokens")).isEqualTo("10s");
            JsonObject error = over.json().getJsonObject("error");
            assertThat(error.getString("code")).isEqualTo("rate_limit_exceeded");
            assertThat(error.getString("type")).isEqualTo("tokens");
            assertThat(error.getString("message")).contains("tokens per min (TPM): Limit " + tpm);
            assertThat(azure.status()).isEqualTo(429);
            assertThat(azure.headers().get("retry-after")).isEqualTo("10");
            assertThat(azure.headers().get("retry-after-ms")).isEqualTo("10000");
            assertThat(azure.headers().get("x-ratelimit-remaining-tokens")).isEqualTo("0");
            assertThat(azure.json().getJsonObject("error").getString("message"))
                    .contains("exceeded token rate limit").contains("retry after 10 seconds");
            assertThat(f.server.stats().status(429)).isEqualTo(2);

            now.set(T0 + 10_000);
            MockFixture.Reply recovered = f.post("/v1/chat/completions", BEARER, BODY);

            assertThat(recovered.status()).isEqualTo(200);
            assertThat(recovered.headers().get("x-ratelimit-remaining-tokens")).isEqualTo(Long.toString(tpm - cost));
            assertThat(recovered.json().getJsonArray("choices")).hasSize(1);
        }
    }

    @Test
    void overTheRequestsPerMinuteTheApiAnswers429WithNoRequestsLeft() throws Exception {
        AtomicLong now = new AtomicLong(T0);
        try (MockFixture f = new MockFixture(MockLlmOptions.defaults().withRpm(1), now::get)) {
            MockFixture.Reply one = f.post("/v1/chat/completions", BEARER, BODY);
            MockFixture.Reply over = f.post("/v1/chat/completions", BEARER, BODY);

            assertThat(one.status()).isEqualTo(200);
            assertThat(one.headers().get("x-ratelimit-remaining-requests")).isEqualTo("0");
            assertThat(over.status()).isEqualTo(429);
            assertThat(over.headers().get("x-ratelimit-remaining-requests")).isEqualTo("0");
            assertThat(over.json().getJsonObject("error").getString("type")).isEqualTo("requests");
            assertThat(over.headers().get("x-ratelimit-remaining-tokens")).as("tokens not exhausted")
                    .isNotEqualTo("0");
        }
    }
}
