package dev.ragd.llm.openai;

import dev.ragd.llm.UpstreamException;
import dev.ragd.llm.UpstreamException.Kind;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * A circuit breaker for one upstream, shared by every event loop (thread-safe, lock held briefly).
 *
 * <p>Closed: calls pass; {@code failureThreshold} consecutive failed calls open it. Open: calls fail
 * fast until {@code resetMs} have passed since it opened. Half-open: exactly one trial call passes,
 * others fail fast; the trial's success closes the breaker, its failure opens it again, and a trial
 * that ends neither way (cancelled by the client) frees the slot for the next call.
 *
 * <p>Which failures count is decided by {@link #counts(Kind)}: upstream trouble (rate limits after
 * retries, 5xx, timeouts, stalls, cut streams) counts; client errors (auth, bad request) do not.
 */
public final class CircuitBreaker {

    /** What a caller got from {@link #tryAcquire()}: a permit to call, or a rejection. */
    public record Permit(boolean allowed, boolean trial, long retryAfterMs) {}

    private enum State { CLOSED, OPEN, HALF_OPEN }

    private final int failureThreshold;
    private final long resetMs;
    private final LongSupplier clockMs;
    private final Consumer<String> changes;

    private State state = State.CLOSED;
    private int consecutiveFailures;
    private long openedAt;
    private boolean trialInFlight;

    public CircuitBreaker(int failureThreshold, long resetMs, LongSupplier clockMs) {
        this(failureThreshold, resetMs, clockMs, state -> { });
    }

    /**
     * @param changes told each new state ({@code closed}, {@code open}, {@code half_open}) while the
     *                lock is held: it must be quick and must not call back into the breaker
     */
    public CircuitBreaker(int failureThreshold, long resetMs, LongSupplier clockMs, Consumer<String> changes) {
        this.changes = changes;
        if (failureThreshold < 1 || resetMs < 1) {
            throw new IllegalArgumentException("failureThreshold and resetMs must be >= 1");
        }
        this.failureThreshold = failureThreshold;
        this.resetMs = resetMs;
        this.clockMs = clockMs;
    }

    /** True when a failure of this kind is the upstream's fault and so counts towards opening. */
    public static boolean counts(Kind kind) {
        return switch (kind) {
            case RATE_LIMITED, UNAVAILABLE, TIMEOUT, STALLED, CUT -> true;
            case AUTH, BAD_REQUEST, CIRCUIT_OPEN, BUSY -> false;
        };
    }

    /** Asks to make a call; a permit must later be settled by {@link #onSuccess}, {@link #onFailure} or {@link #onAbandon}. */
    public synchronized Permit tryAcquire() {
        long now = clockMs.getAsLong();
        if (state == State.OPEN && now - openedAt >= resetMs) {
            become(State.HALF_OPEN);
            trialInFlight = false;
        }
        return switch (state) {
            case CLOSED -> new Permit(true, false, 0);
            case OPEN -> new Permit(false, false, Math.max(1, resetMs - (now - openedAt)));
            case HALF_OPEN -> {
                if (trialInFlight) {
                    yield new Permit(false, false, Math.max(1, Math.min(resetMs, 1_000)));
                }
                trialInFlight = true;
                yield new Permit(true, true, 0);
            }
        };
    }

    public synchronized void onSuccess(Permit permit) {
        consecutiveFailures = 0;
        if (permit.trial() || state != State.OPEN) {
            become(State.CLOSED);
            trialInFlight = false;
        }
    }

    public synchronized void onFailure(Permit permit, Kind kind) {
        if (!counts(kind)) {
            onAbandon(permit);
            return;
        }
        if (permit.trial()) {
            open();
            return;
        }
        if (state == State.CLOSED && ++consecutiveFailures >= failureThreshold) {
            open();
        }
    }

    /** The call ended without a verdict on the upstream (cancelled, or a client error). */
    public synchronized void onAbandon(Permit permit) {
        if (permit.trial() && state == State.HALF_OPEN) {
            trialInFlight = false;
        }
    }

    /** The exception a rejected call fails with. */
    public static UpstreamException rejection(String upstream, Permit permit) {
        return new UpstreamException(Kind.CIRCUIT_OPEN, "circuit breaker open for " + upstream
                + "; failing fast", 0, permit.retryAfterMs(), null);
    }

    public synchronized boolean isOpen() {
        long now = clockMs.getAsLong();
        return (state == State.OPEN && now - openedAt < resetMs) || (state == State.HALF_OPEN && trialInFlight);
    }

    /** Milliseconds until a trial may pass; 0 when closed or ready for a trial. */
    public synchronized long retryAfterMs() {
        if (state != State.OPEN) {
            return state == State.HALF_OPEN && trialInFlight ? Math.min(resetMs, 1_000) : 0;
        }
        return Math.max(0, resetMs - (clockMs.getAsLong() - openedAt));
    }

    private void become(State next) {
        if (state != next) {
            state = next;
            try {
                changes.accept(next.name().toLowerCase(java.util.Locale.ROOT));
            } catch (RuntimeException ignored) {
                // a listener's failure must not break the breaker
            }
        }
    }

    private void open() {
        become(State.OPEN);
        openedAt = clockMs.getAsLong();
        trialInFlight = false;
        consecutiveFailures = 0;
    }
}
