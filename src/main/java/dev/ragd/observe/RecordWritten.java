package dev.ragd.observe;

/**
 * The chat-log write of a request.
 *
 * @param durationMs how long the write took
 * @param status     the record's status ({@code completed}, {@code cancelled}, {@code failed})
 * @param totalMs    the record's total time
 * @param tokens     tokens streamed
 * @param kept       {@code stored}, {@code queued}, or {@code null} when the write failed
 * @param failure    why the write failed, or {@code null}
 */
public record RecordWritten(long durationMs, String status, long totalMs, int tokens, String kept, Throwable failure) {}
