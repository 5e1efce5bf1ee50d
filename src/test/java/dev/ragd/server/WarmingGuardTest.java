package dev.ragd.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ragd.chat.ChatError;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpMethod;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class WarmingGuardTest {

    private final AtomicReference<String> reason = new AtomicReference<>("warming up: 900 ms left of RAGD_WARMUP_MS=30000");
    private final WarmingGuard guard = new WarmingGuard(reason::get);

    private ChatError refusal(HttpMethod method, String path, boolean upgrade) {
        return guard.refusal(new AdmissionRequest(method, path, MultiMap.caseInsensitiveMultiMap(), upgrade));
    }

    @Test
    void questionsAreTurnedAwayRetryablyWhileWarming() {
        for (ChatError e : new ChatError[] {refusal(HttpMethod.GET, "/v1/chat", true), refusal(HttpMethod.GET, "/", true),
                refusal(HttpMethod.POST, "/v1/chat", false)}) {
            assertThat(e.code()).isEqualTo("warming_up");
            assertThat(e.retryable()).isTrue();
            assertThat(e.retryAfterMs()).isEqualTo(WarmingGuard.RETRY_AFTER_MS);
            assertThat(e.message()).isEqualTo("this replica is warming up: 900 ms left of RAGD_WARMUP_MS=30000; try again");
            assertThat(Wire.httpStatus(e)).as("a proxy passes a 503 handshake on to another replica").isEqualTo(503);
        }
    }

    @Test
    void thePageHealthAndMetricsStayServedWhileWarming() {
        assertThat(refusal(HttpMethod.GET, "/", false)).isNull();
        assertThat(refusal(HttpMethod.GET, "/readyz", false)).isNull();
        assertThat(refusal(HttpMethod.GET, "/metrics", false)).isNull();
        assertThat(refusal(HttpMethod.GET, "/v1/chat", false)).as("not a question: the route answers 405").isNull();
    }

    @Test
    void onceWarmEverythingIsLetIn() {
        reason.set(null);

        assertThat(refusal(HttpMethod.GET, "/v1/chat", true)).isNull();
        assertThat(refusal(HttpMethod.POST, "/v1/chat", false)).isNull();
    }
}
