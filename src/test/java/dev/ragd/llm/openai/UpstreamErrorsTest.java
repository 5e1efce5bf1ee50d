package dev.ragd.llm.openai;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ragd.llm.UpstreamException;
import dev.ragd.llm.UpstreamException.Kind;
import io.vertx.core.MultiMap;
import java.net.ConnectException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import org.junit.jupiter.api.Test;

class UpstreamErrorsTest {

    private static final long NOW = 1_700_000_000_000L;
    private final UpstreamErrors errors = new UpstreamErrors(() -> NOW, List.of("sk-test-SECRET-123456"));

    private static MultiMap headers(String... kv) {
        MultiMap m = MultiMap.caseInsensitiveMultiMap();
        for (int i = 0; i < kv.length; i += 2) m.add(kv[i], kv[i + 1]);
        return m;
    }

    @Test
    void statuses_map_to_kinds() {
        assertThat(errors.classify(429, headers(), "").kind()).isEqualTo(Kind.RATE_LIMITED);
        assertThat(errors.classify(500, headers(), "").kind()).isEqualTo(Kind.UNAVAILABLE);
        assertThat(errors.classify(503, headers(), "").kind()).isEqualTo(Kind.UNAVAILABLE);
        assertThat(errors.classify(401, headers(), "").kind()).isEqualTo(Kind.AUTH);
        assertThat(errors.classify(403, headers(), "").kind()).isEqualTo(Kind.AUTH);
        assertThat(errors.classify(400, headers(), "").kind()).isEqualTo(Kind.BAD_REQUEST);
        assertThat(errors.classify(404, headers(), "").kind()).isEqualTo(Kind.BAD_REQUEST);
        assertThat(errors.classify(422, headers(), "").kind()).isEqualTo(Kind.BAD_REQUEST);
    }

    @Test
    void retry_after_in_seconds_ms_and_http_date_are_honoured() {
        assertThat(errors.retryAfterMs(headers("Retry-After", "2"))).isEqualTo(2_000L);
        assertThat(errors.retryAfterMs(headers("retry-after-ms", "150", "Retry-After", "2"))).isEqualTo(150L);
        String date = DateTimeFormatter.RFC_1123_DATE_TIME.format(Instant.ofEpochMilli(NOW + 5_000).atOffset(ZoneOffset.UTC));
        assertThat(errors.retryAfterMs(headers("Retry-After", date))).isBetween(4_000L, 5_000L);
        assertThat(errors.retryAfterMs(headers("Retry-After", "soon"))).isNull();
        assertThat(errors.classify(429, headers("Retry-After", "3"), "").retryAfterMs()).isEqualTo(3_000L);
    }

    @Test
    void upstream_error_message_is_kept_but_keys_are_redacted() {
        UpstreamException e = errors.classify(401, headers(), "{\"error\":{\"message\":\"Incorrect API key provided:"
                + " sk-test-SECRET-123456. You can find your API key at ...\",\"code\":\"invalid_api_key\"}}");
        assertThat(e.getMessage()).contains("Incorrect API key provided").doesNotContain("SECRET");
        assertThat(e.retryAfterMs()).isNull();
    }

    @Test
    void io_failures_become_unavailable_and_upstream_exceptions_pass_through() {
        assertThat(UpstreamErrors.fromThrowable(new ConnectException("Connection refused")).kind()).isEqualTo(Kind.UNAVAILABLE);
        assertThat(UpstreamErrors.fromThrowable(new io.netty.channel.ConnectTimeoutException("x")).kind()).isEqualTo(Kind.TIMEOUT);
        UpstreamException u = new UpstreamException(Kind.CUT, "x", 0, null, null);
        assertThat(UpstreamErrors.fromThrowable(u)).isSameAs(u);
    }
}
