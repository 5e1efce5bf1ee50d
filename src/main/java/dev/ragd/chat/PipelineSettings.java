package dev.ragd.chat;

import dev.ragd.config.RagdConfig;
import dev.ragd.quota.QuotaLimits;
import java.util.Set;

/**
 * The chat pipeline's own settings.
 *
 * @param topK                     passages per query ({@code RAGD_TOP_K})
 * @param historyMessages          messages kept from the conversation ({@code RAGD_HISTORY_MESSAGES})
 * @param maxQuestionChars         longest question accepted ({@code RAGD_MAX_QUESTION_CHARS})
 * @param streamCoalesceMs         token-frame coalescing window ({@code RAGD_STREAM_COALESCE_MS})
 * @param minRelevance             below this similarity the fixed not-found answer is given ({@code RAGD_MIN_RELEVANCE})
 * @param maxConcurrentGenerations admission cap ({@code RAGD_MAX_CONCURRENT_GENERATIONS})
 * @param clientFilterFields       metadata fields a request's {@code filters} may name ({@code RAGD_SEARCH_CLIENT_FILTERS})
 * @param maxHistoryEntries        most messages a request may send ({@code RAGD_MAX_HISTORY_ENTRIES})
 * @param maxHistoryChars          most characters in the history kept for the model ({@code RAGD_MAX_HISTORY_CHARS})
 * @param enforceAccess            every search is narrowed to what the caller may see ({@code RAGD_ENFORCE_ACCESS})
 * @param quota                    each identity's share ({@code RAGD_RATE_LIMIT_PER_MINUTE}, {@code RAGD_TOKENS_PER_MINUTE},
 *                                 {@code RAGD_MAX_CONCURRENT_PER_USER})
 */
public record PipelineSettings(int topK, int historyMessages, int maxQuestionChars, int streamCoalesceMs,
        double minRelevance, int maxConcurrentGenerations, Set<String> clientFilterFields, int maxHistoryEntries,
        int maxHistoryChars, boolean enforceAccess, QuotaLimits quota) {

    public static final int DEFAULT_MAX_HISTORY_ENTRIES = 200;
    public static final int DEFAULT_MAX_HISTORY_CHARS = 20_000;

    public PipelineSettings {
        clientFilterFields = Set.copyOf(clientFilterFields);
    }

    /** Settings under which no request may filter, with the default history limits and no access lists. */
    public PipelineSettings(int topK, int historyMessages, int maxQuestionChars, int streamCoalesceMs,
            double minRelevance, int maxConcurrentGenerations) {
        this(topK, historyMessages, maxQuestionChars, streamCoalesceMs, minRelevance, maxConcurrentGenerations, Set.of(),
                DEFAULT_MAX_HISTORY_ENTRIES, DEFAULT_MAX_HISTORY_CHARS, false, QuotaLimits.none());
    }

    public static PipelineSettings from(RagdConfig config) {
        return new PipelineSettings(config.topK(), config.historyMessages(), config.maxQuestionChars(),
                config.streamCoalesceMs(), config.llm().minRelevance(), config.llm().maxConcurrentGenerations(),
                Set.copyOf(config.search().clientFilters()), config.maxHistoryEntries(), config.maxHistoryChars(),
                config.auth().enforceAccess(), new QuotaLimits(config.quota().questionsPerMinute(),
                        config.quota().tokensPerMinute(), config.quota().maxConcurrent(), FairUse.LEASE_MS));
    }
}
