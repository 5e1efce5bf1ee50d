package dev.ragd.retrieval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.exception.AuthenticationException;
import dev.langchain4j.exception.RateLimitException;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.output.Response;
import java.io.UncheckedIOException;
import java.net.http.HttpHeaders;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class PatientEmbeddingModelTest {

    /** Fails with the queued failures, then embeds; counts calls. */
    private static final class Scripted implements EmbeddingModel {
        final Deque<RuntimeException> failures = new ArrayDeque<>();
        final AtomicInteger calls = new AtomicInteger();

        @Override
        public synchronized Response<List<Embedding>> embedAll(List<TextSegment> segments) {
            calls.incrementAndGet();
            RuntimeException f = failures.poll();
            if (f != null) {
                throw f;
            }
            return Response.from(segments.stream().map(s -> Embedding.from(new float[] {s.text().length()})).toList());
        }
    }

    private final AtomicLong now = new AtomicLong(1_000_000);
    private final List<Long> slept = new ArrayList<>();
    private final List<String> told = new ArrayList<>();

    private PatientEmbeddingModel patient(EmbeddingModel delegate, Duration maxWait) {
        return new PatientEmbeddingModel(delegate, maxWait, 3, (ms, why) -> told.add(ms + " " + why), ms -> {
            slept.add(ms);
            now.addAndGet(ms);
        }, now::get);
    }

    private static RuntimeException refused(int status, Long retryAfterMs) {
        RetryAfterHttpClient.Refused r = new RetryAfterHttpClient.Refused(status, "{}", retryAfterMs);
        return status == 429 ? new RateLimitException(r) : new dev.langchain4j.exception.InternalServerException(r);
    }

    private static List<TextSegment> two() {
        return List.of(TextSegment.from("one"), TextSegment.from("three"));
    }

    @Test
    void aRefusedCallIsRepeatedAfterExactlyTheDelayTheServiceNamed() {
        Scripted s = new Scripted();
        s.failures.add(refused(429, 7_000L));
        s.failures.add(refused(429, 2_500L));

        Response<List<Embedding>> r = patient(s, Duration.ofMinutes(1)).embedAll(two());

        assertThat(r.content()).extracting(e -> e.vector()[0]).containsExactly(3f, 5f);
        assertThat(s.calls).hasValue(3);
        assertThat(slept).containsExactly(7_000L, 2_500L);
        assertThat(told).containsExactly("7000 429 rate limited (Retry-After 7 s)", "2500 429 rate limited (Retry-After 3 s)");
    }

    @Test
    void aRefusalWithoutADelayBacksOffExponentially() {
        Scripted s = new Scripted();
        for (int i = 0; i < 3; i++) {
            s.failures.add(new RateLimitException("slow down"));
        }

        patient(s, Duration.ofMinutes(1)).embedAll(two());

        assertThat(slept).containsExactly(1_000L, 2_000L, 4_000L);
    }

    @Test
    void refusalsAreWaitedOutBeyondTheTransientRetryCountButNotBeyondTheMaximumWait() {
        Scripted s = new Scripted();
        for (int i = 0; i < 10; i++) {
            s.failures.add(refused(429, 30_000L));
        }

        assertThatThrownBy(() -> patient(s, Duration.ofMinutes(2)).embedAll(two()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("kept refusing").hasMessageContaining("gave up after waiting 120 s")
                .hasMessageContaining("429 rate limited").hasCauseInstanceOf(RateLimitException.class);
        assertThat(s.calls).hasValue(5); // four waits of 30 s fit in two minutes
    }

    @Test
    void transientFailuresAreRepeatedThreeTimesThenThrown() {
        Scripted s = new Scripted();
        for (int i = 0; i < 5; i++) {
            s.failures.add(refused(503, null));
        }

        assertThatThrownBy(() -> patient(s, Duration.ofMinutes(10)).embedAll(two()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("the embedding service failed 4 times in a row (503 transient failure: Refused: {})")
                .hasCauseInstanceOf(dev.langchain4j.exception.InternalServerException.class);
        assertThat(s.calls).hasValue(4);
        assertThat(slept).containsExactly(1_000L, 2_000L, 4_000L);
    }

    @Test
    void aConnectionErrorIsTransient() {
        Scripted s = new Scripted();
        s.failures.add(new UncheckedIOException(new java.net.ConnectException("refused")));

        patient(s, Duration.ofMinutes(1)).embedAll(two());

        assertThat(s.calls).hasValue(2);
        for (int i = 0; i < 4; i++) {
            s.failures.add(new UncheckedIOException(new java.net.ConnectException()));
        }
        assertThatThrownBy(() -> patient(s, Duration.ofMinutes(1)).embedAll(two()))
                .hasMessage("the embedding service failed 4 times in a row (transient failure: ConnectException)");
    }

    @Test
    void aBadKeyIsThrownAtOnce() {
        Scripted s = new Scripted();
        s.failures.add(new AuthenticationException(new RetryAfterHttpClient.Refused(401, "bad key", null)));

        assertThatThrownBy(() -> patient(s, Duration.ofMinutes(1)).embedAll(two()))
                .isInstanceOf(AuthenticationException.class);
        assertThat(s.calls).hasValue(1);
        assertThat(slept).isEmpty();
    }

    @Test
    void aRefusalHoldsOffEveryCallerSharingTheModelUntilTheDelayHasPassed() {
        Scripted s = new Scripted();
        s.failures.add(refused(429, 5_000L));
        PatientEmbeddingModel p = patient(s, Duration.ofMinutes(1));
        p.embedAll(two());
        now.addAndGet(-4_000); // a second caller arrives one second into the five

        p.embedAll(two());

        assertThat(slept).containsExactly(5_000L, 4_000L);
    }

    @Test
    void aRetryAfterOfZeroStillWaitsAQuarterSecondSoTheWaitsAddUpToTheMaximum() {
        Scripted s = new Scripted();
        for (int i = 0; i < 100; i++) {
            s.failures.add(refused(429, 0L));
        }

        assertThatThrownBy(() -> patient(s, Duration.ofSeconds(5)).embedAll(two()))
                .hasMessageContaining("gave up after waiting 5 s");
        assertThat(slept).hasSize(20).containsOnly(PatientEmbeddingModel.MIN_DELAY_MS);
    }

    @Test
    void anExhaustedBalanceIsThrownAtOnceNotWaitedFor() {
        Scripted s = new Scripted();
        s.failures.add(new RateLimitException(new RetryAfterHttpClient.Refused(429,
                "{\"error\":{\"code\":\"insufficient_quota\",\"message\":\"You exceeded your current quota\"}}", 20_000L)));

        assertThatThrownBy(() -> patient(s, Duration.ofMinutes(10)).embedAll(two()))
                .isInstanceOf(RateLimitException.class);
        assertThat(s.calls).hasValue(1);
        assertThat(slept).isEmpty();
    }

    @Test
    void aLongErrorBodyIsCutInTheMessage() {
        RetryAfterHttpClient.Refused r = new RetryAfterHttpClient.Refused(500, "x".repeat(10_000), null);
        assertThat(r.getMessage()).hasSize(RetryAfterHttpClient.Refused.MAX_BODY_CHARS + 1).endsWith("…");
    }

    @Test
    void retryAfterIsReadInMillisecondsSecondsOrAsAnHttpDateAndNonsenseIsIgnored() {
        long now = 1_700_000_000_000L;
        assertThat(RetryAfterHttpClient.retryAfterMs(headers("retry-after-ms", "1500", "retry-after", "9"), now))
                .isEqualTo(1500L);
        assertThat(RetryAfterHttpClient.retryAfterMs(headers("Retry-After", "7"), now)).isEqualTo(7000L);
        assertThat(RetryAfterHttpClient.retryAfterMs(headers("Retry-After", "0.5"), now)).isEqualTo(500L);
        String date = java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME.format(
                java.time.Instant.ofEpochMilli(now + 12_000).atZone(java.time.ZoneOffset.UTC));
        assertThat(RetryAfterHttpClient.retryAfterMs(headers("Retry-After", date), now)).isEqualTo(12_000L);
        for (String bad : List.of("NaN", "-5", "1e9", "Infinity", "soon", "99999999999")) {
            assertThat(RetryAfterHttpClient.retryAfterMs(headers("Retry-After", bad), now)).as(bad).isNull();
        }
        assertThat(RetryAfterHttpClient.retryAfterMs(headers("retry-after-ms", "abc", "retry-after", "2"), now))
                .isEqualTo(2000L);
    }

    private static HttpHeaders headers(String... kv) {
        Map<String, List<String>> m = new java.util.HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], List.of(kv[i + 1]));
        }
        return HttpHeaders.of(m, (a, b) -> true);
    }
}
