package dev.ragd.mock;

import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** Live counters of the simulator; thread-safe. {@link #snapshot()} gives a consistent-enough copy. */
public final class MockStats {

    private final AtomicLong requests = new AtomicLong();
    private final Map<Integer, AtomicLong> byStatus = new ConcurrentHashMap<>();
    private final AtomicLong openStreams = new AtomicLong();
    private final AtomicLong maxOpenStreams = new AtomicLong();
    private final AtomicLong cancelledStreams = new AtomicLong();
    private final AtomicLong stalledStreams = new AtomicLong();
    private final AtomicLong cutStreams = new AtomicLong();
    private final AtomicLong tokensSent = new AtomicLong();
    private final AtomicLong quotaTokens = new AtomicLong();

    /**
     * A copy of the counters.
     *
     * @param requests         API requests received (not counting {@code /mock/*})
     * @param byStatus         API responses by HTTP status
     * @param openStreams      streams currently open
     * @param maxOpenStreams   most streams open at once since start or reset
     * @param cancelledStreams streams the client closed before their end
     * @param stalledStreams   streams that were made to stall
     * @param tokensSent       content tokens written, streamed or not
     * @param cutStreams       streams ended by an in-stream error event after part of the answer
     * @param quotaTokens      tokens the admitted requests cost the per-minute quota (prompt and, for chat, the answer's allowance)
     */
    public record Snapshot(long requests, Map<Integer, Long> byStatus, long openStreams, long maxOpenStreams,
            long cancelledStreams, long stalledStreams, long tokensSent, long cutStreams, long quotaTokens) {

        public long status(int code) {
            return byStatus.getOrDefault(code, 0L);
        }

        public JsonObject toJson() {
            JsonObject statuses = new JsonObject();
            byStatus.forEach((k, v) -> statuses.put(String.valueOf(k), v));
            return new JsonObject().put("requests", requests).put("by_status", statuses)
                    .put("open_streams", openStreams).put("max_open_streams", maxOpenStreams)
                    .put("cancelled_streams", cancelledStreams).put("stalled_streams", stalledStreams)
                    .put("tokens_sent", tokensSent).put("cut_streams", cutStreams)
                    .put("quota_tokens", quotaTokens);
        }
    }

    public Snapshot snapshot() {
        Map<Integer, Long> statuses = new TreeMap<>();
        byStatus.forEach((k, v) -> statuses.put(k, v.get()));
        return new Snapshot(requests.get(), Map.copyOf(statuses), openStreams.get(), maxOpenStreams.get(),
                cancelledStreams.get(), stalledStreams.get(), tokensSent.get(), cutStreams.get(),
                quotaTokens.get());
    }

    /** Zeroes the counters; streams open now stay counted as open (and as the new maximum). */
    public void reset() {
        requests.set(0);
        byStatus.clear();
        maxOpenStreams.set(openStreams.get());
        cancelledStreams.set(0);
        stalledStreams.set(0);
        tokensSent.set(0);
        cutStreams.set(0);
        quotaTokens.set(0);
    }

    void charged(long tokens) {
        quotaTokens.addAndGet(tokens);
    }

    void request() {
        requests.incrementAndGet();
    }

    void status(int code) {
        byStatus.computeIfAbsent(code, k -> new AtomicLong()).incrementAndGet();
    }

    void streamOpened() {
        long now = openStreams.incrementAndGet();
        maxOpenStreams.accumulateAndGet(now, Math::max);
    }

    void streamClosed(boolean byClient) {
        openStreams.decrementAndGet();
        if (byClient) {
            cancelledStreams.incrementAndGet();
        }
    }

    void stalled() {
        stalledStreams.incrementAndGet();
    }

    void cut() {
        cutStreams.incrementAndGet();
    }

    void tokens(long n) {
        tokensSent.addAndGet(n);
    }
}
