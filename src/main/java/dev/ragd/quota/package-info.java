/**
 * Per-identity fair-use limits: questions per minute, model tokens per minute and answers at once,
 * kept by a {@link dev.ragd.quota.QuotaStore}: in this replica's memory
 * ({@link dev.ragd.quota.MemoryQuotaStore}), shared through Redis
 * ({@link dev.ragd.quota.RedisQuotaStore}), or shared with a per-replica stand-in while Redis is
 * down ({@link dev.ragd.quota.FallbackQuotaStore}). Nothing here knows HTTP or the chat pipeline:
 * the caller picks the identity and the limits and turns a refusal into its reply.
 */
package dev.ragd.quota;
