package dev.ragd.server;

import dev.ragd.chat.ChatError;
import dev.ragd.chat.ErrorCodes;
import io.vertx.core.http.HttpMethod;

/**
 * Keeps questions off a replica that is still warming up: while {@code warmup} reports a reason,
 * a WebSocket upgrade or a {@code POST /v1/chat} is refused with a retryable {@code warming_up}
 * (HTTP 503 with Retry-After), so a proxy without readiness checks (open-source nginx, the
 * reference setup) passes the handshake on to a warm replica and counts the refusal against this
 * one, instead of a user waiting on a cold JVM. The page, health, readiness and metrics stay
 * served: {@code /readyz} keeps saying why it is not ready.
 */
final class WarmingGuard implements AdmissionCheck {

    /** A refused client comes back after this: about when a proxy tries the replica again. */
    static final long RETRY_AFTER_MS = 1_000;

    private final ReadinessCheck warmup;

    WarmingGuard(ReadinessCheck warmup) {
        this.warmup = warmup;
    }

    @Override
    public ChatError refusal(AdmissionRequest request) {
        boolean question = request.upgrade() || request.method() == HttpMethod.POST && request.path().equals("/v1/chat");
        if (!question) {
            return null;
        }
        String reason = warmup.notReadyReason();
        return reason == null ? null
                : new ChatError(ErrorCodes.WARMING_UP, "this replica is " + reason + "; try again", true, RETRY_AFTER_MS);
    }
}
