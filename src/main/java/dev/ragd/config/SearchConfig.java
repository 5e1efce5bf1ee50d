package dev.ragd.config;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which retriever answers searches ({@code RAGD_RETRIEVER}) and, for Azure AI Search, how to reach
 * the index and read its fields. Read once from the environment and validated;
 * {@link #toString()} never shows the key.
 *
 * @param retriever      {@code lucene} (the embedded index, default) or {@code azure-ai-search}
 * @param endpoint       {@code AI_SEARCH_ENDPOINT}, e.g. {@code https://my-search.search.windows.net}
 * @param index          {@code AI_SEARCH_NAME}, the index name (the book's name for it)
 * @param key            {@code AI_SEARCH_KEY}, a query or admin key when {@code auth} is {@code key} (secret)
 * @param auth           {@code AI_SEARCH_AUTH}: {@code key} (default) or {@code entra} (DefaultAzureCredential)
 * @param mode           {@code RAGD_SEARCH_MODE}: {@code keyword}, {@code vector}, {@code hybrid}
 *                       (default, the book's query) or {@code semantic} (hybrid, reranked)
 * @param idField        {@code RAGD_SEARCH_ID_FIELD}, the key field (default {@code id})
 * @param contentFields  {@code RAGD_SEARCH_CONTENT_FIELDS}, the fields whose text is the passage, in order
 * @param titleField     {@code RAGD_SEARCH_TITLE_FIELD}, the field shown as the title (empty: none)
 * @param vectorField    {@code RAGD_SEARCH_VECTOR_FIELD}, the vector field for vector and hybrid queries
 * @param semanticConfig {@code RAGD_SEARCH_SEMANTIC_CONFIG}, the semantic configuration for {@code semantic}
 *                       (empty: the index's default one)
 * @param integratedVectorization {@code RAGD_SEARCH_VECTORIZE}: {@code client} (ragd embeds the query,
 *                       default, like the book) or {@code service} (a {@code kind: text} vector query
 *                       for the index's own vectorizer)
 * @param filter         {@code RAGD_SEARCH_FILTER}, an OData filter added to every search (empty: none)
 * @param clientFilters  {@code RAGD_SEARCH_CLIENT_FILTERS}, the filterable fields a request's {@code filters}
 *                       may name (empty: requests may not filter)
 * @param budgetMs       {@code RAGD_SEARCH_BUDGET_MS}, the time one search may take with its retries
 * @param accessUsersField  {@code RAGD_SEARCH_ACCESS_USERS_FIELD}, the filterable {@code Collection(Edm.String)}
 *                       field of the users who may see a document ({@code RAGD_ENFORCE_ACCESS}; default
 *                       {@code allowed_users}, what {@code ragd ingest} writes)
 * @param accessGroupsField {@code RAGD_SEARCH_ACCESS_GROUPS_FIELD}, the same for groups (default
 *                       {@code allowed_groups}; the Azure sample app's index calls them {@code oids} and
 *                       {@code groups})
 */
public record SearchConfig(String retriever, String endpoint, String index, String key, String auth, String mode,
        String idField, List<String> contentFields, String titleField, String vectorField, String semanticConfig,
        String integratedVectorization, String filter, List<String> clientFilters, int budgetMs,
        String accessUsersField, String accessGroupsField, String vectorFormat) {

    /** Variables whose values are never printed or logged. */
    public static final Set<String> SECRETS = Set.of("AI_SEARCH_KEY");

    public SearchConfig {
        contentFields = List.copyOf(contentFields);
        clientFilters = List.copyOf(clientFilters);
    }

    public static SearchConfig from(Env env) {
        SearchConfig c = new SearchConfig(
                env.oneOf("RAGD_RETRIEVER", "lucene", Set.of("lucene", "azure-ai-search")),
                env.string("AI_SEARCH_ENDPOINT", null),
                env.string("AI_SEARCH_NAME", null),
                env.string("AI_SEARCH_KEY", null),
                env.oneOf("AI_SEARCH_AUTH", "key", Set.of("key", "entra")),
                env.oneOf("RAGD_SEARCH_MODE", "hybrid", Set.of("keyword", "vector", "hybrid", "semantic")),
                env.string("RAGD_SEARCH_ID_FIELD", "id"),
                fields(env.string("RAGD_SEARCH_CONTENT_FIELDS", "content")),
                env.string("RAGD_SEARCH_TITLE_FIELD", "title"),
                env.string("RAGD_SEARCH_VECTOR_FIELD", "vector"),
                env.string("RAGD_SEARCH_SEMANTIC_CONFIG", ""),
                env.oneOf("RAGD_SEARCH_VECTORIZE", "client", Set.of("client", "service")),
                env.string("RAGD_SEARCH_FILTER", ""),
                fields(env.string("RAGD_SEARCH_CLIENT_FILTERS", "")),
                env.integer("RAGD_SEARCH_BUDGET_MS", 10_000, 100, 600_000),
                env.string("RAGD_SEARCH_ACCESS_USERS_FIELD", "allowed_users"),
                env.string("RAGD_SEARCH_ACCESS_GROUPS_FIELD", "allowed_groups"),
                env.oneOf("RAGD_VECTOR_FORMAT", "float", Set.of("float", "int7", "int4", "bbq")));
        c.validate();
        return c;
    }

    /** True when the retriever is Azure AI Search. */
    public boolean azure() {
        return "azure-ai-search".equals(retriever);
    }

    /** True when searches send a vector query (vector, hybrid, semantic). */
    public boolean usesVectors() {
        return !"keyword".equals(mode);
    }

    /** True when searches send the text (keyword, hybrid, semantic). */
    public boolean usesText() {
        return !"vector".equals(mode);
    }

    private void validate() {
        if (!azure()) {
            if (!clientFilters.isEmpty()) {
                throw new ConfigException("RAGD_SEARCH_CLIENT_FILTERS needs RAGD_RETRIEVER=azure-ai-search"
                        + " (the embedded index has no filterable metadata)");
            }
            return;
        }
        if (endpoint == null || !endpoint.matches("https?://[^/?#\\s]+/?")) {
            throw new ConfigException("AI_SEARCH_ENDPOINT" + (endpoint == null ? " is required" : "='" + endpoint
                    + "' must be the service URL") + " when RAGD_RETRIEVER=azure-ai-search"
                    + " (e.g. https://my-search.search.windows.net)");
        }
        if (index == null || !index.matches("[a-z0-9][a-z0-9-]{0,127}")) {
            throw new ConfigException("AI_SEARCH_NAME" + (index == null ? " is required" : "='" + index
                    + "' is not an index name (lower-case letters, digits, dashes)")
                    + " when RAGD_RETRIEVER=azure-ai-search");
        }
        if ("key".equals(auth) && (key == null || key.isBlank())) {
            throw new ConfigException("AI_SEARCH_KEY is required when AI_SEARCH_AUTH=key"
                    + " (or set AI_SEARCH_AUTH=entra for a managed identity)");
        }
        if (contentFields.isEmpty()) {
            throw new ConfigException("RAGD_SEARCH_CONTENT_FIELDS must name at least one field");
        }
        for (String f : names()) {
            if (!f.matches("[A-Za-z][A-Za-z0-9_]*")) {
                throw new ConfigException("a RAGD_SEARCH_* field name '" + f + "' is not a field name"
                        + " (letters, digits, underscores; starts with a letter)");
            }
        }
        if ("service".equals(integratedVectorization) && !usesVectors()) {
            throw new ConfigException("RAGD_SEARCH_VECTORIZE=service needs a RAGD_SEARCH_MODE that sends vectors"
                    + " (vector, hybrid or semantic), not keyword");
        }
    }

    private List<String> names() {
        List<String> out = new java.util.ArrayList<>(contentFields);
        out.addAll(clientFilters);
        out.add(idField);
        out.add(vectorField);
        out.add(accessUsersField);
        out.add(accessGroupsField);
        if (!titleField.isEmpty()) {
            out.add(titleField);
        }
        return out;
    }

    private static List<String> fields(String csv) {
        return Arrays.stream(csv.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    /** The effective settings as variable names and values, the key masked. */
    public Map<String, String> describe() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("RAGD_RETRIEVER", retriever);
        m.put("AI_SEARCH_ENDPOINT", RagdConfig.unset(endpoint));
        m.put("AI_SEARCH_NAME", RagdConfig.unset(index));
        m.put("AI_SEARCH_KEY", RagdConfig.mask(key));
        m.put("AI_SEARCH_AUTH", auth);
        m.put("RAGD_SEARCH_MODE", mode);
        m.put("RAGD_VECTOR_FORMAT", vectorFormat);
        m.put("RAGD_SEARCH_ID_FIELD", idField);
        m.put("RAGD_SEARCH_CONTENT_FIELDS", String.join(",", contentFields));
        m.put("RAGD_SEARCH_TITLE_FIELD", titleField);
        m.put("RAGD_SEARCH_VECTOR_FIELD", vectorField);
        m.put("RAGD_SEARCH_SEMANTIC_CONFIG", semanticConfig);
        m.put("RAGD_SEARCH_VECTORIZE", integratedVectorization);
        m.put("RAGD_SEARCH_FILTER", filter);
        m.put("RAGD_SEARCH_CLIENT_FILTERS", String.join(",", clientFilters));
        m.put("RAGD_SEARCH_BUDGET_MS", Integer.toString(budgetMs));
        m.put("RAGD_SEARCH_ACCESS_USERS_FIELD", accessUsersField);
        m.put("RAGD_SEARCH_ACCESS_GROUPS_FIELD", accessGroupsField);
        return m;
    }

    @Override
    public String toString() {
        return "SearchConfig" + describe();
    }
}
