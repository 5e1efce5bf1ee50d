package dev.ragd.quota;

import io.vertx.core.Future;

/**
 * Where the fair-use budgets of identities (a user, an API key, a client address) are kept.
 *
 * <p>Contract, the same for every backend:
 * <ul>
 *   <li>Budgets are token buckets refilled continuously: capacity = the per-minute limit, refill
 *       = limit / 60 000 per millisecond, full when first seen. There is no fixed window, so no
 *       double burst at a window edge. A limit of 0 is off and costs nothing.</li>
 *   <li>{@link #acquire} admits one question of {@code key} or refuses it. It refuses when the
 *       questions budget holds less than one question, when the tokens budget is in debt (below 0:
 *       tokens are charged after the answer, so admission only needs a balance {@code >= 0}), or
 *       when {@code maxConcurrent} unexpired permits are already held. Otherwise it takes one
 *       question from the budget and one concurrency permit, atomically: concurrent acquires (from
 *       several threads, event loops or replicas sharing the store) never hand out more than
 *       {@code maxConcurrent} permits. When several limits refuse, the one with the longest wait
 *       is named. A refusal changes nothing.</li>
 *   <li>{@link #release} frees the permit and charges {@code tokens} to the key's minute budget,
 *       which may drive it below 0 (debt). It is idempotent: releasing twice, or a permit id the
 *       store does not know, is harmless and charges nothing more. A permit never released lapses
 *       {@code leaseMs} after it was granted (its holder crashed); a release coming within another
 *       {@code leaseMs} after that still charges its tokens.</li>
 *   <li>Keys are opaque and may be hostile (any length, any characters): a key never reaches
 *       another key's budget, and the store's memory or storage stays bounded however many keys
 *       clients invent.</li>
 *   <li>Methods are thread-safe and never block the calling thread (an event loop). A failed
 *       future means the store could not answer (it is down), never a refusal.</li>
 * </ul>
 * Pass the same limits to {@code release} as to the {@code acquire} that granted the permit.
 */
public interface QuotaStore {

    /** Asks to admit one question of {@code key} under {@code limits}. */
    Future<QuotaDecision> acquire(String key, QuotaLimits limits);

    /**
     * Ends the answer that {@code permitId} admitted and charges the model {@code tokens} it used
     * ({@code >= 0}).
     */
    Future<Void> release(String key, String permitId, long tokens, QuotaLimits limits);

    /** {@code memory} or {@code redis}: for logs, metrics and readiness. */
    String name();

    /** Lets go of what the store itself opened (not a client handed to it). */
    Future<Void> close();
}
