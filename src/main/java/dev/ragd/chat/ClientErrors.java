package dev.ragd.chat;

import dev.ragd.llm.UpstreamException;

/**
 * The one place where a generation failure becomes what the client sees: a stable code, a short
 * honest message without upstream detail, whether retrying may help, and when.
 */
public final class ClientErrors {

    /** retry_after_ms of a {@code busy} rejection: long enough for a generation slot to free up. */
    public static final long BUSY_RETRY_AFTER_MS = 1000;

    private ClientErrors() {}

    /**
     * @param error         what the generator reported (an {@link UpstreamException} or anything else)
     * @param answerStarted whether tokens of the answer were already sent to the client
     */
    public static ChatError toChatError(Throwable error, boolean answerStarted) {
        Long retryAfter = error instanceof UpstreamException u ? u.retryAfterMs() : null;
        if (answerStarted) {
            return new ChatError(ErrorCodes.ANSWER_CUT,
                    "The answer was cut off because the language model stopped responding; please ask again.",
                    true, retryAfter);
        }
        if (!(error instanceof UpstreamException u)) {
            return ChatError.of(ErrorCodes.GENERATION_FAILED, "Writing the answer failed; please try again.", true);
        }
        return switch (u.kind()) {
            case RATE_LIMITED -> new ChatError(ErrorCodes.RATE_LIMITED,
                    "The language model is receiving too many requests; please try again shortly.", true, retryAfter);
            case UNAVAILABLE -> new ChatError(ErrorCodes.UPSTREAM_UNAVAILABLE,
                    "The language model is unavailable right now; please try again shortly.", true, retryAfter);
            case TIMEOUT, STALLED -> new ChatError(ErrorCodes.UPSTREAM_TIMEOUT,
                    "The language model did not answer in time; please try again.", true, retryAfter);
            case CIRCUIT_OPEN -> new ChatError(ErrorCodes.CIRCUIT_OPEN,
                    "The language model is failing, so ragd is pausing calls to it; please try again shortly.",
                    true, retryAfter);
            case BUSY -> busy(retryAfter);
            case CUT -> new ChatError(ErrorCodes.ANSWER_CUT,
                    "The answer was cut off because the language model stopped responding; please ask again.",
                    true, retryAfter);
            case AUTH -> ChatError.of(ErrorCodes.UPSTREAM_AUTH,
                    "ragd is not allowed to use its language model; please tell the operator.", false);
            case BAD_REQUEST -> ChatError.of(ErrorCodes.UPSTREAM_BAD_REQUEST,
                    "The language model rejected the request; please tell the operator if this persists.", false);
        };
    }

    /**
     * What the client is told when answering failed for a reason that is ragd's own (a bug, a
     * component that broke its contract): not retryable, since asking again would likely fail the
     * same way; the failure itself is logged at ERROR.
     */
    public static ChatError internal() {
        return ChatError.of(ErrorCodes.INTERNAL_ERROR, "ragd failed while answering this question; the failure was logged.",
                false);
    }

    /** The rejection of a request over the replica's cap of concurrent generations. */
    public static ChatError busy(Long retryAfterMs) {
        return new ChatError(ErrorCodes.BUSY, "ragd is answering too many questions right now; please try again in a moment.",
                true, retryAfterMs == null ? BUSY_RETRY_AFTER_MS : retryAfterMs);
    }
}
