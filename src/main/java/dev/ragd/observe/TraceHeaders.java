package dev.ragd.observe;

import java.util.Map;

/**
 * The trace headers for calls a blocking library makes on the current thread. A search runs on a
 * worker thread inside a library (LangChain4j's embedding models, the Azure SDK) that has no
 * handle on the request; it asks for extra headers per call through a supplier, which reads them
 * here. Set around the blocking call with {@link #use}; empty otherwise.
 */
public final class TraceHeaders {

    private static final ThreadLocal<Map<String, String>> CURRENT = ThreadLocal.withInitial(Map::of);

    private TraceHeaders() {}

    /** The headers of the call being made on this thread; empty when none were set. */
    public static Map<String, String> current() {
        return CURRENT.get();
    }

    /** Sets {@code headers} for this thread until the returned scope is closed. */
    public static Scope use(Map<String, String> headers) {
        Map<String, String> before = CURRENT.get();
        CURRENT.set(Map.copyOf(headers));
        return () -> CURRENT.set(before);
    }

    /** Restores the headers that were set before. */
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }
}
