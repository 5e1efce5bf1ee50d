package dev.ragd.chat;

/**
 * An error as shown to the client: a stable code, a short honest message, whether trying again
 * may help, and optionally when.
 */
public record ChatError(String code, String message, boolean retryable, Long retryAfterMs) {

    public static ChatError of(String code, String message, boolean retryable) {
        return new ChatError(code, message, retryable, null);
    }
}
