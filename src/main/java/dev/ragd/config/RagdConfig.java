package dev.ragd.config;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The whole effective configuration, read once from the environment and validated.
 * Every field maps to one variable documented in the README's configuration table.
 */
public record RagdConfig(
        String host,
        int port,
        Path dataDir,
        int topK,
        int queryCacheSize,
        int historyMessages,
        int maxQuestionChars,
        int maxInflightPerSocket,
        boolean testMode,
        ChatLogConfig chatLog,
        LlmConfig llm,
        int extractiveTokenMs,
        int streamCoalesceMs,
        boolean logContent,
        int chunkChars,
        int chunkOverlap,
        String logFormat,
        String logLevel,
        StatelessConfig stateless,
        DurabilityConfig durability,
        EdgeConfig edge,
        ObservabilityConfig observability,
        int warmupMs,
        SearchConfig search,
        AuthConfig auth,
        QuotaConfig quota,
        int maxHistoryEntries,
        int maxHistoryChars) {

    /**
     * Tokens arriving within this many milliseconds of the last token frame share the next frame: a
     * person cannot see 30 ms, a 2-core replica streaming 50,000 tokens/s feels every write.
     */
    public static final int DEFAULT_STREAM_COALESCE_MS = 30;

    /**
     * How long a starting replica drives its own request path before it turns ready: long enough
     * for the JIT to compile the hot paths (see the README's warm-up measurement).
     */
    public static final int DEFAULT_WARMUP_MS = 30_000;

    /** Variables whose values are never printed or logged. */
    public static final Set<String> SECRETS = union(union(union(LlmConfig.SECRETS, ChatLogConfig.SECRETS),
            ObservabilityConfig.SECRETS), union(SearchConfig.SECRETS, union(AuthConfig.SECRETS, QuotaConfig.SECRETS)));

    public RagdConfig {
        if (chunkOverlap >= chunkChars) {
            throw new ConfigException("RAGD_CHUNK_OVERLAP=" + chunkOverlap
                    + " must be smaller than RAGD_CHUNK_CHARS=" + chunkChars);
        }
    }

    public static RagdConfig from(Env env) {
        AuthConfig auth = AuthConfig.from(env);
        return new RagdConfig(
                env.string("RAGD_HOST", "0.0.0.0"),
                env.integer("PORT", 8000, 0, 65535),
                Path.of(env.string("RAGD_DATA_DIR", "./data")),
                env.integer("RAGD_TOP_K", 3, 1, 50),
                env.integer("RAGD_QUERY_CACHE_SIZE", 10_000, 0, 10_000_000),
                env.integer("RAGD_HISTORY_MESSAGES", 4, 1, 100),
                env.integer("RAGD_MAX_QUESTION_CHARS", 1000, 1, 100_000),
                env.integer("RAGD_WS_MAX_INFLIGHT", 4, 1, 1000),
                env.bool("RAGD_TEST_MODE", false) || env.bool("test_environment", false),
                ChatLogConfig.from(env),
                LlmConfig.from(env),
                env.integer("RAGD_EXTRACTIVE_TOKEN_MS", 15, 0, 10_000),
                env.integer("RAGD_STREAM_COALESCE_MS", DEFAULT_STREAM_COALESCE_MS, 0, 1_000),
                env.bool("RAGD_LOG_CONTENT", false),
                env.integer("RAGD_CHUNK_CHARS", 1000, 100, 100_000),
                env.integer("RAGD_CHUNK_OVERLAP", 150, 0, 50_000),
                env.oneOf("RAGD_LOG_FORMAT", "json", Set.of("json", "text")),
                env.oneOf("RAGD_LOG_LEVEL", "info", Set.of("trace", "debug", "info", "warn", "error")),
                StatelessConfig.from(env),
                DurabilityConfig.from(env),
                EdgeConfig.from(env),
                ObservabilityConfig.from(env),
                env.integer("RAGD_WARMUP_MS", DEFAULT_WARMUP_MS, 0, 600_000),
                SearchConfig.from(env),
                auth,
                QuotaConfig.from(env, auth.required()),
                env.integer("RAGD_MAX_HISTORY_ENTRIES", 200, 1, 100_000),
                env.integer("RAGD_MAX_HISTORY_CHARS", 20_000, 100, 10_000_000));
    }

    /** Defaults only; for tests and tools. */
    public static RagdConfig defaults() {
        return from(new Env(Map.of()));
    }

    public RagdConfig withPort(int newPort) {
        return new RagdConfig(host, newPort, dataDir, topK, queryCacheSize, historyMessages, maxQuestionChars,
                maxInflightPerSocket, testMode, chatLog, llm, extractiveTokenMs, streamCoalesceMs, logContent, chunkChars, chunkOverlap,
                logFormat, logLevel, stateless, durability, edge, observability, warmupMs, search, auth, quota,
                maxHistoryEntries, maxHistoryChars);
    }

    public RagdConfig withDataDir(Path newDataDir) {
        return new RagdConfig(host, port, newDataDir, topK, queryCacheSize, historyMessages, maxQuestionChars,
                maxInflightPerSocket, testMode, chatLog, llm, extractiveTokenMs, streamCoalesceMs, logContent, chunkChars, chunkOverlap,
                logFormat, logLevel, stateless, durability, edge, observability, warmupMs, search, auth, quota,
                maxHistoryEntries, maxHistoryChars);
    }

    /** Hides secrets from {@code toString()}. */
    @Override
    public String toString() {
        return "RagdConfig" + describe();
    }

    /** The effective configuration as variable names and values, secrets masked, in table order. */
    public Map<String, String> describe() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("RAGD_HOST", host);
        m.put("PORT", Integer.toString(port));
        m.put("RAGD_DATA_DIR", dataDir.toString());
        m.put("RAGD_TOP_K", Integer.toString(topK));
        m.put("RAGD_QUERY_CACHE_SIZE", Integer.toString(queryCacheSize));
        m.put("RAGD_HISTORY_MESSAGES", Integer.toString(historyMessages));
        m.put("RAGD_MAX_QUESTION_CHARS", Integer.toString(maxQuestionChars));
        m.put("RAGD_WS_MAX_INFLIGHT", Integer.toString(maxInflightPerSocket));
        m.put("RAGD_TEST_MODE", Boolean.toString(testMode));
        m.putAll(chatLog.describe());
        m.put("RAGD_EXTRACTIVE_TOKEN_MS", Integer.toString(extractiveTokenMs));
        m.put("RAGD_STREAM_COALESCE_MS", Integer.toString(streamCoalesceMs));
        m.put("RAGD_LOG_CONTENT", Boolean.toString(logContent));
        m.put("RAGD_CHUNK_CHARS", Integer.toString(chunkChars));
        m.put("RAGD_CHUNK_OVERLAP", Integer.toString(chunkOverlap));
        m.put("RAGD_LOG_FORMAT", logFormat);
        m.put("RAGD_LOG_LEVEL", logLevel);
        m.putAll(stateless.describe(dataDir));
        m.putAll(durability.describe());
        m.putAll(edge.describe());
        m.putAll(llm.describe());
        m.put("RAGD_WARMUP_MS", Integer.toString(warmupMs));
        m.putAll(search.describe());
        m.putAll(auth.describe());
        m.putAll(quota.describe());
        m.put("RAGD_MAX_HISTORY_ENTRIES", Integer.toString(maxHistoryEntries));
        m.put("RAGD_MAX_HISTORY_CHARS", Integer.toString(maxHistoryChars));
        m.putAll(observability.describe());
        return m;
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new java.util.HashSet<>(a);
        all.addAll(b);
        return Set.copyOf(all);
    }

    /** How an optional setting that is not set shows in {@link #describe()}. */
    public static String unset(String value) {
        return value == null ? "(unset)" : value;
    }

    public static String mask(String secret) {
        return secret == null || secret.isEmpty() ? "" : "****";
    }
}
