package dev.ragd.server;

import dev.ragd.chat.ErrorCodes;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Requests refused at admission, before any route ({@link Admission}), by error code: a rise in
 * {@code unauthorized} is a client with a stale key or someone guessing, {@code origin_not_allowed}
 * a page of another site. Shared by the server's instances; thread-safe.
 */
final class RefusalCounts {

    /** The codes admission refuses with, each counted on its own; any other is counted as {@code other}. */
    static final List<String> CODES = List.of(ErrorCodes.UNAUTHORIZED, ErrorCodes.AUTH_UNAVAILABLE,
            ErrorCodes.ORIGIN_NOT_ALLOWED, ErrorCodes.HOST_NOT_ALLOWED, ErrorCodes.BAD_REQUEST, ErrorCodes.WARMING_UP,
            ErrorCodes.INTERNAL_ERROR, "other");

    private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();

    RefusalCounts() {
        CODES.forEach(c -> counts.put(c, new LongAdder()));
    }

    void count(String code) {
        counts.getOrDefault(code, counts.get("other")).increment();
    }

    long total(String code) {
        LongAdder n = counts.get(code);
        return n == null ? 0 : n.sum();
    }
}
