package dev.ragd.server;

import dev.ragd.chat.ChatError;
import dev.ragd.chat.ErrorCodes;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts the open connections of each client address for the whole server ({@code
 * RAGD_MAX_CONNECTIONS_PER_IP}): one instance is shared by every server verticle instance, so it
 * is safe to call from any event loop. A connection that {@link #tryAcquire acquired} a place must
 * {@link #release} it exactly once, when it closes.
 */
final class ConnectionLimiter {

    private static final Logger log = LoggerFactory.getLogger(ConnectionLimiter.class);
    /** Refusals are logged at most this often (a flood of refusals is one line, with a count). */
    private static final long LOG_EVERY_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final int maxPerAddress;
    private final ConcurrentHashMap<String, Integer> open = new ConcurrentHashMap<>();
    private final AtomicLong refusedSinceLog = new AtomicLong();
    private final AtomicLong refusedTotal = new AtomicLong();
    private final java.util.concurrent.atomic.AtomicInteger total = new java.util.concurrent.atomic.AtomicInteger();
    private final AtomicLong nextLogNanos = new AtomicLong(System.nanoTime());

    ConnectionLimiter(int maxPerAddress) {
        if (maxPerAddress < 1) {
            throw new IllegalArgumentException("maxPerAddress must be at least 1, was " + maxPerAddress);
        }
        this.maxPerAddress = maxPerAddress;
    }

    int maxPerAddress() {
        return maxPerAddress;
    }

    /**
     * Takes a place for a new connection from {@code address}; false (and nothing taken) when the
     * address already holds {@link #maxPerAddress()} connections.
     */
    boolean tryAcquire(String address) {
        boolean[] taken = {false};
        open.compute(address, (a, n) -> {
            int count = n == null ? 0 : n;
            if (count >= maxPerAddress) {
                return n;
            }
            taken[0] = true;
            return count + 1;
        });
        if (!taken[0]) {
            refused(address);
        } else {
            total.incrementAndGet();
        }
        return taken[0];
    }

    /** Gives back the place of a closed connection from {@code address}. */
    void release(String address) {
        boolean[] released = {false};
        open.computeIfPresent(address, (a, n) -> {
            released[0] = true;
            return n <= 1 ? null : n - 1;
        });
        if (released[0]) {
            total.decrementAndGet();
        }
    }

    /** Open connections from all addresses. */
    int open() {
        return total.get();
    }

    /** Connections refused since start. */
    long refusedTotal() {
        return refusedTotal.get();
    }

    /** The error a connection over the limit is answered with (429). */
    ChatError refusal() {
        return ChatError.of(ErrorCodes.TOO_MANY_REQUESTS, "this address already has " + maxPerAddress
                + " open connections (RAGD_MAX_CONNECTIONS_PER_IP); close one and retry", true);
    }

    private void refused(String address) {
        refusedTotal.incrementAndGet();
        long refused = refusedSinceLog.incrementAndGet();
        long now = System.nanoTime();
        long next = nextLogNanos.get();
        if (now - next >= 0 && nextLogNanos.compareAndSet(next, now + LOG_EVERY_NANOS)) {
            refusedSinceLog.addAndGet(-refused);
            log.atWarn().addKeyValue("address", address).addKeyValue("limit", maxPerAddress)
                    .addKeyValue("refused", refused)
                    .log("connections refused: a client address holds RAGD_MAX_CONNECTIONS_PER_IP connections");
        }
    }
}
