package dev.ragd.config;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Settings that keep answers from being lost: the in-memory chat-log retry queue and the
 * shutdown drain.
 *
 * @param queueCapacity     {@code RAGD_CHATLOG_QUEUE_CAPACITY}: records held in memory while the
 *                          chat-log store is unreachable; when full, new questions are refused
 * @param queueReadyThreshold {@code RAGD_CHATLOG_QUEUE_READY_THRESHOLD}: from this many queued
 *                          records on, {@code /readyz} answers 503 (default: half the capacity)
 * @param shutdownGrace     {@code RAGD_SHUTDOWN_GRACE_MS}: how long a stopping server lets
 *                          in-flight answers finish before cancelling them
 * @param flushTimeout      {@code RAGD_SHUTDOWN_FLUSH_MS}: how long a stopping server keeps retrying
 *                          queued chat-log records before giving up on them
 */
public record DurabilityConfig(int queueCapacity, int queueReadyThreshold, Duration shutdownGrace,
                               Duration flushTimeout) {

    public static final int DEFAULT_QUEUE_CAPACITY = 10_000;
    public static final long DEFAULT_SHUTDOWN_GRACE_MS = 20_000;
    public static final long DEFAULT_FLUSH_MS = 10_000;

    public DurabilityConfig {
        if (queueCapacity < 1) {
            throw new ConfigException("RAGD_CHATLOG_QUEUE_CAPACITY=" + queueCapacity + " must be at least 1");
        }
        if (queueReadyThreshold < 1 || queueReadyThreshold > queueCapacity) {
            throw new ConfigException("RAGD_CHATLOG_QUEUE_READY_THRESHOLD=" + queueReadyThreshold
                    + " must be from 1 to RAGD_CHATLOG_QUEUE_CAPACITY=" + queueCapacity);
        }
        if (shutdownGrace.isNegative() || flushTimeout.isNegative()) {
            throw new ConfigException("RAGD_SHUTDOWN_GRACE_MS and RAGD_SHUTDOWN_FLUSH_MS must not be negative");
        }
    }

    public static DurabilityConfig from(Env env) {
        int capacity = env.integer("RAGD_CHATLOG_QUEUE_CAPACITY", DEFAULT_QUEUE_CAPACITY, 1, 10_000_000);
        int threshold = env.integer("RAGD_CHATLOG_QUEUE_READY_THRESHOLD", Math.max(1, capacity / 2), 1, capacity);
        return new DurabilityConfig(capacity, threshold,
                Duration.ofMillis(env.integer("RAGD_SHUTDOWN_GRACE_MS", (int) DEFAULT_SHUTDOWN_GRACE_MS, 0, 3_600_000)),
                Duration.ofMillis(env.integer("RAGD_SHUTDOWN_FLUSH_MS", (int) DEFAULT_FLUSH_MS, 0, 3_600_000)));
    }

    /** Defaults only; for tests and tools. */
    public static DurabilityConfig defaults() {
        return from(new Env(Map.of()));
    }

    /** The effective values by variable name, for {@code ragd config} and the startup log. */
    public Map<String, String> describe() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("RAGD_CHATLOG_QUEUE_CAPACITY", Integer.toString(queueCapacity));
        m.put("RAGD_CHATLOG_QUEUE_READY_THRESHOLD", Integer.toString(queueReadyThreshold));
        m.put("RAGD_SHUTDOWN_GRACE_MS", Long.toString(shutdownGrace.toMillis()));
        m.put("RAGD_SHUTDOWN_FLUSH_MS", Long.toString(flushTimeout.toMillis()));
        return m;
    }
}
