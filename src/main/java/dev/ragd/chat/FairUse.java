package dev.ragd.chat;

import dev.ragd.auth.Identity;
import dev.ragd.quota.QuotaDecision;
import dev.ragd.quota.QuotaLimits;
import dev.ragd.quota.QuotaStore;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Each identity's share ({@code RAGD_RATE_LIMIT_PER_MINUTE}, {@code RAGD_TOKENS_PER_MINUTE},
 * {@code RAGD_MAX_CONCURRENT_PER_USER}): a question is let into the pipeline only with a permit of
 * its caller's {@link QuotaStore}, and the permit is given back, charged with the model tokens the
 * answer spent, when its record is written. A caller over a limit gets {@code quota_exceeded}
 * with {@code retry_after_ms}; nobody else is affected. Internal requests (warm-up, tools) are
 * not counted.
 */
final class FairUse {

    private static final Logger log = LoggerFactory.getLogger(FairUse.class);
    /** How long a permit outlives a replica that died holding it: longer than any answer takes. */
    static final long LEASE_MS = 600_000;

    private final QuotaStore store;
    private final QuotaLimits limits;

    FairUse(QuotaStore store, QuotaLimits limits) {
        this.store = store;
        this.limits = limits;
    }

    static FairUse off() {
        return new FairUse(null, QuotaLimits.none());
    }

    boolean applies(Identity identity) {
        return store != null && limits.any() && identity != null;
    }

    /**
     * Starts the run {@code start} makes once the caller has a permit (at once when the store
     * answers at once, as the memory store does), or hands the refusal to {@code refuse}; both on
     * {@code context}. {@code start} returns {@code null} when the pipeline refused the request
     * itself (busy): the permit is then given back uncharged.
     */
    ChatHandle gate(Identity identity, Context context, Supplier<ChatRun> start, Consumer<ChatError> refuse) {
        String key = identity.quotaKey();
        Future<QuotaDecision> decided = store.acquire(key, limits);
        Pending pending = new Pending();
        Runnable decide = () -> {
            if (decided.failed()) {
                // The store must answer (a shared one falls back to this replica's counts); if it
                // does not, the question goes through rather than everyone being refused.
                log.atWarn().addKeyValue("store", store.name()).addKeyValue("error", String.valueOf(decided.cause()))
                        .log("fair-use check failed; admitting the question uncounted");
                pending.started(start.get());
                return;
            }
            QuotaDecision d = decided.result();
            if (!d.isGranted()) {
                refuse.accept(new ChatError(ErrorCodes.QUOTA_EXCEEDED, d.message(), true, d.retryAfterMs()));
                return;
            }
            if (pending.cancelled) { // the client left while the store was asked
                store.release(key, d.permitId(), 0, limits);
                return;
            }
            ChatRun run = start.get();
            if (run == null) {
                store.release(key, d.permitId(), 0, limits);
                return;
            }
            run.finished().onComplete(ar -> store.release(key, d.permitId(), run.tokensSpent(), limits));
            pending.started(run);
        };
        if (decided.isComplete()) {
            decide.run();
            return pending.run == null ? ChatHandle.DONE : pending.run;
        }
        decided.onComplete(ar -> context.runOnContext(v -> decide.run()));
        return pending;
    }

    /** A request waiting for its permit: a cancel now means it never starts. */
    private static final class Pending implements ChatHandle {
        private volatile boolean cancelled;
        private volatile boolean stopped;
        private volatile ChatHandle run;

        void started(ChatHandle handle) {
            run = handle;
            if (cancelled && handle != null) {
                handle.cancel();
            } else if (stopped && handle != null) {
                handle.stop();
            }
        }

        @Override
        public void stop() {
            stopped = true;
            ChatHandle h = run;
            if (h != null) {
                h.stop();
            }
        }

        @Override
        public void cancel() {
            cancelled = true;
            ChatHandle h = run;
            if (h != null) {
                h.cancel();
            }
        }
    }
}
