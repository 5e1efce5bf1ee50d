package dev.ragd.retrieval.azure;

import com.azure.core.exception.HttpResponseException;
import com.azure.core.util.Context;
import com.azure.search.documents.SearchClient;
import com.azure.search.documents.SearchDocument;
import com.azure.search.documents.models.QueryAnswer;
import com.azure.search.documents.models.QueryAnswerResult;
import com.azure.search.documents.models.QueryAnswerType;
import com.azure.search.documents.models.QueryCaption;
import com.azure.search.documents.models.QueryCaptionResult;
import com.azure.search.documents.models.QueryCaptionType;
import com.azure.search.documents.models.QueryType;
import com.azure.search.documents.models.SearchOptions;
import com.azure.search.documents.models.SearchResult;
import com.azure.search.documents.models.SemanticSearchOptions;
import com.azure.search.documents.models.VectorFilterMode;
import com.azure.search.documents.models.VectorQuery;
import com.azure.search.documents.models.VectorSearchOptions;
import com.azure.search.documents.models.VectorizableTextQuery;
import com.azure.search.documents.models.VectorizedQuery;
import com.azure.search.documents.util.SearchPagedIterable;
import dev.ragd.config.SearchConfig;
import dev.ragd.observe.ChatObserver;
import dev.ragd.retrieval.Embedder;
import dev.ragd.retrieval.Passage;
import dev.ragd.retrieval.Retrieved;
import dev.ragd.retrieval.Retriever;
import dev.ragd.retrieval.SearchFilter;
import dev.ragd.retrieval.SearchUnavailableException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Searches an Azure AI Search index ({@code RAGD_RETRIEVER=azure-ai-search}) the way the book's app
 * does by default: the question as search text plus a vector query on the vector field, {@code k}
 * and {@code top} both the top K, fused by the service (hybrid). Also keyword only, vector only, and
 * semantic (hybrid reranked by the semantic ranker; its captions, and answers where it gives them,
 * become the passages' text). Filters ({@code RAGD_SEARCH_FILTER}, the client's, the caller's access
 * lists) are one OData {@code $filter} ({@link ODataFilter}), applied before the vector query's
 * nearest neighbours are chosen. Field names come from {@link SearchConfig}, so an existing index is
 * served as it is.
 *
 * <p>429 and 503 (and a service that does not answer) are retried after the service's
 * {@code Retry-After} (or a doubling back-off) while the search budget lasts; then
 * {@link SearchUnavailableException}. Each retry is reported to the observer. Blocking, as the
 * {@link Retriever} contract says; thread-safe.
 */
public final class AzureSearchRetriever implements Retriever {

    /** The service name in metrics and logs. */
    public static final String SERVICE = "azure-ai-search";

    private static final String SPECIAL = "+-&|!(){}[]^\"~*?:\\/";
    private static final long FIRST_BACKOFF_MS = 250;

    private final SearchClient client;
    private final SearchConfig config;
    private final Embedder embedder;
    private final ChatObserver observer;
    private final String[] select;
    private final String semanticConfiguration;
    private final Set<String> ragdFields;

    /**
     * @param semanticConfiguration the semantic configuration semantic searches name ("" for none:
     *                 the index's default)
     * @param embedder embeds queries for vector queries ({@code RAGD_SEARCH_VECTORIZE=client}); may be
     *                 null when no query needs a client-side vector
     * @param ragdFields which of the fields {@code ragd ingest} adds ({@code doc_id}, {@code chunk_id},
     *                 {@code url}) the index has: they name a passage's document, chunk and link
     */
    public AzureSearchRetriever(SearchClient client, SearchConfig config, String semanticConfiguration,
            Embedder embedder, ChatObserver observer, Set<String> ragdFields) {
        if (config.usesVectors() && "client".equals(config.integratedVectorization()) && embedder == null) {
            throw new IllegalArgumentException("RAGD_SEARCH_MODE=" + config.mode() + " needs an embedder for queries");
        }
        this.client = client;
        this.config = config;
        this.embedder = embedder;
        this.observer = observer;
        this.semanticConfiguration = semanticConfiguration;
        this.ragdFields = Set.copyOf(ragdFields);
        Set<String> fields = new LinkedHashSet<>();
        fields.add(config.idField());
        if (!config.titleField().isEmpty()) {
            fields.add(config.titleField());
        }
        fields.addAll(config.contentFields());
        fields.addAll(this.ragdFields);
        this.select = fields.toArray(String[]::new); // the vector itself is never fetched back
    }

    @Override
    public String name() {
        return SERVICE + "-" + config.mode();
    }

    @Override
    public boolean remote() {
        return true;
    }

    @Override
    public List<Passage> retrieve(String query, int topK) {
        return search(query, topK).passages();
    }

    @Override
    public Retrieved search(String query, int topK) {
        return search(query, topK, SearchFilter.NONE);
    }

    @Override
    public Retrieved search(String query, int topK, SearchFilter filter) {
        if (query == null || query.isBlank()) {
            return Retrieved.unmeasured(List.of());
        }
        long embedStart = System.nanoTime();
        SearchOptions options = options(query, topK, filter);
        long embeddingNanos = embedder != null && config.usesVectors() ? System.nanoTime() - embedStart : 0;
        String text = config.usesText() ? escape(query) : null;
        long deadline = System.currentTimeMillis() + config.budgetMs();
        long backoff = FIRST_BACKOFF_MS;
        for (int attempt = 1; ; attempt++) {
            try {
                List<Passage> passages = passages(client.search(text, options, Context.NONE), topK);
                // The service's scores are not cosine similarities: RAGD_MIN_RELEVANCE does not apply.
                return new Retrieved(passages, Double.NaN, embeddingNanos, embedder == null ? null : embedder.name());
            } catch (HttpResponseException e) {
                int status = e.getResponse() == null ? 0 : e.getResponse().getStatusCode();
                if (status != 429 && status != 503) {
                    throw new IllegalStateException("Azure AI Search refused the search with HTTP " + status + ": "
                            + e.getMessage(), e);
                }
                long delay = RetryAfter.millis(e.getResponse(), backoff);
                backoff = waitOrGiveUp(status, delay, deadline, attempt, e);
            } catch (RuntimeException e) {
                backoff = waitOrGiveUp(0, backoff, deadline, attempt, e); // not reached, or no answer in time
            }
        }
    }

    /** Waits {@code delayMs} and returns the next back-off, or throws when the budget does not allow it. */
    private long waitOrGiveUp(int status, long delayMs, long deadline, int attempt, RuntimeException cause) {
        if (System.currentTimeMillis() + delayMs > deadline) {
            observer.searchUnavailable(SERVICE, status);
            throw new SearchUnavailableException("Azure AI Search " + (status == 0 ? "did not answer" : "answered "
                    + status) + " for " + attempt + " attempt(s) within RAGD_SEARCH_BUDGET_MS=" + config.budgetMs(),
                    status, delayMs, cause);
        }
        observer.searchThrottled(SERVICE, status, delayMs);
        try {
            Thread.sleep(delayMs);
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            throw new SearchUnavailableException("interrupted while waiting to retry a search", status, delayMs, cause);
        }
        return Math.min(delayMs * 2, 8_000);
    }

    private SearchOptions options(String query, int topK, SearchFilter filter) {
        SearchOptions o = new SearchOptions().setTop(topK).setSelect(select);
        String odata = ODataFilter.of(config.filter(), filter, config.accessUsersField(), config.accessGroupsField());
        if (!odata.isEmpty()) {
            o.setFilter(odata);
        }
        if (config.usesVectors()) {
            VectorQuery vq = "service".equals(config.integratedVectorization())
                    ? new VectorizableTextQuery(query)
                    : new VectorizedQuery(RagdIndexSchema.floats(embedder.embedQuery(query)));
            vq.setFields(config.vectorField()).setKNearestNeighborsCount(topK);
            // Filter first, then take the k nearest: filtering the k nearest afterwards could leave
            // fewer than k, or none, of the passages the caller may see.
            o.setVectorSearchOptions(new VectorSearchOptions().setQueries(vq).setFilterMode(VectorFilterMode.PRE_FILTER));
        }
        if ("semantic".equals(config.mode())) {
            SemanticSearchOptions s = new SemanticSearchOptions()
                    .setQueryCaption(new QueryCaption(QueryCaptionType.EXTRACTIVE))
                    .setQueryAnswer(new QueryAnswer(QueryAnswerType.EXTRACTIVE));
            if (!semanticConfiguration.isEmpty()) {
                s.setSemanticConfigurationName(semanticConfiguration);
            }
            o.setQueryType(QueryType.SEMANTIC).setSemanticSearchOptions(s);
        }
        return o;
    }

    private List<Passage> passages(SearchPagedIterable results, int topK) {
        List<SearchResult> hits = results.stream().limit(topK).toList(); // fetches the first page
        Map<String, String> answers = new HashMap<>();
        if ("semantic".equals(config.mode()) && results.getSemanticResults() != null
                && results.getSemanticResults().getQueryAnswers() != null) {
            for (QueryAnswerResult a : results.getSemanticResults().getQueryAnswers()) {
                answers.putIfAbsent(a.getKey(), a.getText());
            }
        }
        return hits.stream().map(r -> passage(r, answers)).toList();
    }

    private Passage passage(SearchResult r, Map<String, String> answers) {
        SearchDocument d = r.getDocument(SearchDocument.class);
        String key = String.valueOf(d.get(config.idField()));
        String id = field(d, RagdIndexSchema.DOC_ID, key);
        String chunkId = field(d, RagdIndexSchema.CHUNK_ID, key);
        String url = field(d, RagdIndexSchema.URL, null);
        String title = config.titleField().isEmpty() || d.get(config.titleField()) == null ? id
                : String.valueOf(d.get(config.titleField()));
        Double reranker = r.getSemanticSearch() == null ? null : r.getSemanticSearch().getRerankerScore();
        String text = answers.containsKey(key) ? answers.get(key) : caption(r);
        if (text == null) {
            List<String> parts = new ArrayList<>();
            for (String f : config.contentFields()) {
                if (d.get(f) != null) {
                    parts.add(String.valueOf(d.get(f)));
                }
            }
            text = String.join("\n", parts);
        }
        return new Passage(id, chunkId, title, text, url, reranker != null ? reranker : r.getScore(), reranker);
    }

    private String field(SearchDocument d, String name, String otherwise) {
        return ragdFields.contains(name) && d.get(name) != null ? String.valueOf(d.get(name)) : otherwise;
    }

    private static String caption(SearchResult r) {
        if (r.getSemanticSearch() == null || r.getSemanticSearch().getQueryCaptions() == null) {
            return null;
        }
        for (QueryCaptionResult c : r.getSemanticSearch().getQueryCaptions()) {
            if (c.getText() != null && !c.getText().isBlank()) {
                return c.getText();
            }
        }
        return null;
    }

    /** The question as plain words: every operator of the simple query syntax escaped. */
    static String escape(String query) {
        StringBuilder b = new StringBuilder(query.length() + 8);
        for (char c : query.toCharArray()) {
            if (SPECIAL.indexOf(c) >= 0) {
                b.append('\\');
            }
            b.append(c);
        }
        return b.toString();
    }
}
