package dev.ragd.chat;

/** Durations of one answer, in milliseconds since the request arrived, and its token counts. */
public record Timings(long retrievalMs, long firstTokenMs, long totalMs, int promptTokens, int completionTokens) {}
