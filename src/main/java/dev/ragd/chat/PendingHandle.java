package dev.ragd.chat;

/**
 * The handle of a request that starts later (after its conversation was read): a cancel before the
 * start means it never starts; a stop before the start is passed to the run as soon as it exists, so
 * that the client still gets its {@code stopped} end.
 */
final class PendingHandle implements ChatHandle {

    private ChatHandle started;
    private boolean cancelled;
    private boolean stopped;

    /** True when the request may start (it was not cancelled meanwhile). */
    synchronized boolean mayStart() {
        return !cancelled;
    }

    /** The request started with {@code handle}; a stop or cancel that came first is applied now. */
    void started(ChatHandle handle) {
        boolean cancel;
        boolean stop;
        synchronized (this) {
            started = handle;
            cancel = cancelled;
            stop = stopped;
        }
        if (cancel) {
            handle.cancel();
        } else if (stop) {
            handle.stop();
        }
    }

    @Override
    public void cancel() {
        ChatHandle h;
        synchronized (this) {
            cancelled = true;
            h = started;
        }
        if (h != null) {
            h.cancel();
        }
    }

    @Override
    public void stop() {
        ChatHandle h;
        synchronized (this) {
            stopped = true;
            h = started;
        }
        if (h != null) {
            h.stop();
        }
    }
}
