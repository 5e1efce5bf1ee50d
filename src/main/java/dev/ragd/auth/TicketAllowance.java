package dev.ragd.auth;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * How many WebSocket tickets one identity may be issued on this replica per window (a ticket's
 * time to live): enough for a page that opens a few sockets and reconnects, too few for one key
 * holder to fill the ticket store that every user's tickets share. Counted per replica, so a
 * shared store grows by at most this many per identity and replica per window. Thread-safe.
 */
public final class TicketAllowance {

    /** Tickets one identity may be issued per window. */
    public static final int PER_WINDOW = 20;

    private record Window(long startMs, int issued) {}

    private final Map<String, Window> windows = new ConcurrentHashMap<>();
    private final int perWindow;
    private final long windowMs;
    private final LongSupplier nowMs;

    public TicketAllowance(int perWindow, long windowMs, LongSupplier nowMs) {
        this.perWindow = perWindow;
        this.windowMs = windowMs;
        this.nowMs = nowMs;
    }

    /**
     * Counts one ticket for {@code user}: 0 when it may be issued, else the milliseconds until this
     * identity's window ends and it may ask again.
     */
    public long take(String user) {
        long now = nowMs.getAsLong();
        if (windows.size() > 1_000) { // only identities that asked within one window stay
            windows.values().removeIf(w -> now - w.startMs() >= windowMs);
        }
        Window w = windows.compute(user, (k, old) -> old == null || now - old.startMs() >= windowMs
                ? new Window(now, 1) : new Window(old.startMs(), Math.min(old.issued() + 1, perWindow + 1)));
        return w.issued() <= perWindow ? 0 : Math.max(1, w.startMs() + windowMs - now);
    }
}
