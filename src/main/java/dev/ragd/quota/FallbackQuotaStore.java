package dev.ragd.quota;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.nio.channels.ClosedChannelException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A shared store (Redis) backed by a per-replica one (memory) for when the shared one is down:
 * limits then still hold, per replica, rather than opening to everyone or refusing everyone.
 *
 * <p>Each call goes to the primary, given {@code timeoutMs} to answer. A failure or a timeout
 * answers that call from the fallback and marks the store degraded: from then on calls go straight
 * to the fallback, and only one call every {@code retryEveryMs} tries the primary again (so a dead
 * Redis costs one timeout per interval, not one per question). The first such probe that the
 * primary answers ends the outage. The switch each way is logged once.
 *
 * <p>A permit is released to the store that granted it: the fallback's permit ids are remembered
 * (at most {@value #MAX_REMEMBERED_PERMITS}; a forgotten one lapses by its lease). A primary permit
 * released while the primary is down cannot be freed there: it lapses by its lease and its tokens go
 * uncharged, the cost of the outage. A grant that arrives after its timeout is released at once, so
 * it does not hold a concurrency slot in the primary until its lease ends.
 */
public final class FallbackQuotaStore implements QuotaStore {

    private static final Logger log = LoggerFactory.getLogger(FallbackQuotaStore.class);
    static final int MAX_REMEMBERED_PERMITS = 100_000;

    private final Vertx vertx;
    private final QuotaStore primary;
    private final QuotaStore fallback;
    private final long timeoutMs;
    private final long retryEveryNanos;
    private final AtomicLong fallbacks = new AtomicLong();

    // guarded by this
    private Outage outage;
    private long nextProbeAt;
    private final LinkedHashSet<String> fallbackPermits = new LinkedHashSet<>();

    private record Outage(Instant since, String cause) {}

    private enum Route { PRIMARY, PROBE, FALLBACK }

    /**
     * @param vertx for the timeout timers
     * @param timeoutMs how long the primary may take to answer one call, e.g. 250
     * @param retryEveryMs while degraded, how often one call tries the primary again, e.g. 5000
     */
    public FallbackQuotaStore(Vertx vertx, QuotaStore primary, QuotaStore fallback, long timeoutMs, long retryEveryMs) {
        if (timeoutMs <= 0 || retryEveryMs <= 0) {
            throw new IllegalArgumentException("timeoutMs and retryEveryMs must be > 0, got "
                    + timeoutMs + " and " + retryEveryMs);
        }
        this.vertx = vertx;
        this.primary = primary;
        this.fallback = fallback;
        this.timeoutMs = timeoutMs;
        this.retryEveryNanos = retryEveryMs * 1_000_000;
    }

    @Override
    public Future<QuotaDecision> acquire(String key, QuotaLimits limits) {
        Route route = route();
        if (route == Route.FALLBACK) {
            return fromFallback(key, limits);
        }
        Consumer<QuotaDecision> late = d -> {
            if (d.isGranted()) {
                call(() -> primary.release(key, d.permitId(), 0, limits));
            }
        };
        return withTimeout(call(() -> primary.acquire(key, limits)), late).transform(ar -> {
            if (ar.succeeded()) {
                answered(route);
                return Future.succeededFuture(ar.result());
            }
            failed(ar.cause());
            return fromFallback(key, limits);
        });
    }

    @Override
    public Future<Void> release(String key, String permitId, long tokens, QuotaLimits limits) {
        if (grantedByFallback(permitId)) {
            return fallback.release(key, permitId, tokens, limits);
        }
        Route route = route();
        if (route == Route.FALLBACK) {
            return Future.succeededFuture(); // primary down: its permit lapses by its lease there
        }
        return withTimeout(call(() -> primary.release(key, permitId, tokens, limits)), null).transform(ar -> {
            if (ar.succeeded()) {
                answered(route);
            } else {
                failed(ar.cause());
            }
            return Future.succeededFuture();
        });
    }

    /** Null while the primary answers; otherwise what is wrong, since when, and what it means. */
    public synchronized String degradedReason() {
        if (outage == null) {
            return null;
        }
        return primary.name() + " unreachable since " + outage.since() + ": " + outage.cause()
                + "; limits are per replica";
    }

    /** True while limits are shared through the primary; false while the fallback answers. */
    public synchronized boolean shared() {
        return outage == null;
    }

    /** Questions ({@link #acquire} calls) answered by the fallback so far. */
    public long fallbacks() {
        return fallbacks.get();
    }

    /** The primary's name: the store this replica is configured for. */
    @Override
    public String name() {
        return primary.name();
    }

    @Override
    public Future<Void> close() {
        return Future.join(primary.close(), fallback.close()).mapEmpty();
    }

    private synchronized Route route() {
        if (outage == null) {
            return Route.PRIMARY;
        }
        long now = System.nanoTime();
        if (now - nextProbeAt < 0) {
            return Route.FALLBACK;
        }
        nextProbeAt = now + retryEveryNanos; // this call probes; the others keep to the fallback
        return Route.PROBE;
    }

    private void answered(Route route) {
        // only a probe ends an outage: a call sent before it began may still come back fine
        if (route != Route.PROBE) {
            return;
        }
        Outage ended;
        synchronized (this) {
            ended = outage;
            outage = null;
        }
        if (ended != null) {
            log.atInfo().addKeyValue("store", primary.name()).addKeyValue("since", ended.since())
                    .log("quota store {} answers again: limits are shared across replicas again", primary.name());
        }
    }

    private void failed(Throwable cause) {
        String reason = describe(cause);
        synchronized (this) {
            if (outage != null) {
                outage = new Outage(outage.since(), reason); // the latest cause, the first time
                return;
            }
            outage = new Outage(Instant.now().truncatedTo(ChronoUnit.MILLIS), reason);
            nextProbeAt = System.nanoTime() + retryEveryNanos;
        }
        log.atWarn().addKeyValue("store", primary.name()).addKeyValue("error", reason)
                .log("quota store {} does not answer: limits are per replica (memory) until it does; retrying every {} ms",
                        primary.name(), retryEveryNanos / 1_000_000);
    }

    private Future<QuotaDecision> fromFallback(String key, QuotaLimits limits) {
        fallbacks.incrementAndGet();
        return fallback.acquire(key, limits).onSuccess(d -> {
            if (d.isGranted()) {
                remember(d.permitId());
            }
        });
    }

    private synchronized void remember(String permitId) {
        fallbackPermits.add(permitId);
        if (fallbackPermits.size() > MAX_REMEMBERED_PERMITS) {
            Iterator<String> eldest = fallbackPermits.iterator();
            eldest.next();
            eldest.remove();
        }
    }

    private synchronized boolean grantedByFallback(String permitId) {
        return fallbackPermits.remove(permitId);
    }

    /** {@code future}, or a failure after {@code timeoutMs}; a result after that goes to {@code late}. */
    private <T> Future<T> withTimeout(Future<T> future, Consumer<T> late) {
        Promise<T> promise = Promise.promise();
        long timer = vertx.setTimer(timeoutMs,
                id -> promise.tryFail(new TimeoutException("no answer in " + timeoutMs + " ms")));
        future.onComplete(ar -> {
            vertx.cancelTimer(timer);
            boolean inTime = ar.succeeded() ? promise.tryComplete(ar.result()) : promise.tryFail(ar.cause());
            if (!inTime && ar.succeeded() && late != null) {
                late.accept(ar.result());
            }
        });
        return promise.future();
    }

    private static <T> Future<T> call(Supplier<Future<T>> call) {
        try {
            return call.get();
        } catch (RuntimeException e) {
            return Future.failedFuture(e);
        }
    }

    private static String describe(Throwable e) {
        if (e instanceof ClosedChannelException) {
            return "connection closed"; // Netty's is stackless and has no message of its own
        }
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }
}
