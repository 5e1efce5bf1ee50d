package dev.ragd.observe;

/**
 * How a request ended, told after its client was told.
 *
 * @param outcome          {@code completed}, {@code not_found} (the fixed answer, no model call),
 *                         {@code cancelled} or {@code failed}
 * @param errorCode        the error code the client got, or {@code null}
 * @param tokens           tokens streamed to the client
 * @param promptTokens     input tokens the model reported (0 when unknown)
 * @param completionTokens output tokens
 * @param retrievalMs      time until retrieval finished
 * @param firstTokenMs     time until the first token (0 when none)
 * @param totalMs          time until the end
 */
public record RunEnd(String outcome, String errorCode, int tokens, int promptTokens, int completionTokens,
        long retrievalMs, long firstTokenMs, long totalMs) {}
