package dev.ragd.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ragd.chat.ChatError;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WireStatusTest {

    @ParameterizedTest(name = "{0} (retryable={1}) -> HTTP {2}")
    @CsvSource({
        "bad_request, false, 400",
        "question_too_long, false, 400",
        "payload_too_large, false, 413",
        "request_timeout, true, 408",
        "too_many_requests, true, 429",
        "rate_limited, true, 429",
        "busy, true, 429",
        "upstream_auth, false, 502",
        "upstream_bad_request, false, 502",
        "upstream_timeout, true, 504",
        "circuit_open, true, 503",
        "shutting_down, true, 503",
        "upstream_unavailable, true, 503",
        "chatlog_unavailable, true, 503",
        "internal_error, false, 500",
    })
    void errorCodeMapsToTheHttpStatusAClientOrLoadBalancerExpects(String code, boolean retryable, int status) {
        assertThat(Wire.httpStatus(ChatError.of(code, "m", retryable))).isEqualTo(status);
    }
}
