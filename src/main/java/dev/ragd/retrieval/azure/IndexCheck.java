package dev.ragd.retrieval.azure;

import com.azure.search.documents.indexes.models.SearchField;
import com.azure.search.documents.indexes.models.SearchFieldDataType;
import com.azure.search.documents.indexes.models.SearchIndex;
import com.azure.search.documents.indexes.models.SemanticConfiguration;
import com.azure.search.documents.indexes.models.VectorSearchProfile;
import dev.ragd.config.ConfigException;
import dev.ragd.config.SearchConfig;
import dev.ragd.retrieval.Embedder;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks at startup that an index can serve the configured searches: every field the
 * {@code RAGD_SEARCH_*} settings name exists with a usable type, the vector field's dimension is
 * the embedder's, the index has a vectorizer for {@code RAGD_SEARCH_VECTORIZE=service} and a
 * semantic configuration for {@code RAGD_SEARCH_MODE=semantic}, and filterable string-collection
 * access-list fields for {@code RAGD_ENFORCE_ACCESS=true}. Each failure is a
 * {@link ConfigException} naming the setting and what the index has instead.
 */
final class IndexCheck {

    private IndexCheck() {}

    /**
     * Checks {@code index} against {@code config}; returns the semantic configuration searches name
     * ({@code RAGD_SEARCH_SEMANTIC_CONFIG}, else the index's default, else its only one), or an empty
     * string when the mode is not semantic.
     */
    static String check(SearchIndex index, SearchConfig config, Embedder embedder) {
        return check(index, config, embedder, false);
    }

    /** @param enforceAccess searches carry the caller's access ({@code RAGD_ENFORCE_ACCESS}) */
    static String check(SearchIndex index, SearchConfig config, Embedder embedder, boolean enforceAccess) {
        Map<String, SearchField> fields = new HashMap<>();
        for (SearchField f : index.getFields()) {
            fields.put(f.getName(), f);
        }
        String where = " in index " + index.getName() + " (its fields: " + String.join(", ", fields.keySet()) + ")";
        SearchField id = field(fields, config.idField(), "RAGD_SEARCH_ID_FIELD", where);
        if (!Boolean.TRUE.equals(id.isKey())) {
            throw new ConfigException("RAGD_SEARCH_ID_FIELD=" + config.idField() + " is not the key field" + where);
        }
        for (String name : config.contentFields()) {
            SearchField f = field(fields, name, "RAGD_SEARCH_CONTENT_FIELDS", where);
            if (!SearchFieldDataType.STRING.equals(f.getType())) {
                throw new ConfigException("RAGD_SEARCH_CONTENT_FIELDS names " + name + ", of type " + f.getType()
                        + "; content fields must be Edm.String" + where);
            }
        }
        if (!config.titleField().isEmpty()) {
            field(fields, config.titleField(), "RAGD_SEARCH_TITLE_FIELD", where);
        }
        for (String name : config.clientFilters()) {
            SearchField f = field(fields, name, "RAGD_SEARCH_CLIENT_FILTERS", where);
            if (!Boolean.TRUE.equals(f.isFilterable())) {
                throw new ConfigException("RAGD_SEARCH_CLIENT_FILTERS names " + name + ", which is not filterable" + where);
            }
        }
        if (enforceAccess) {
            access(fields, config.accessUsersField(), "RAGD_SEARCH_ACCESS_USERS_FIELD", where);
            access(fields, config.accessGroupsField(), "RAGD_SEARCH_ACCESS_GROUPS_FIELD", where);
        }
        if (config.usesVectors()) {
            vector(index, field(fields, config.vectorField(), "RAGD_SEARCH_VECTOR_FIELD", where), config, embedder);
        }
        return "semantic".equals(config.mode()) ? semantic(index, config) : "";
    }

    private static SearchField field(Map<String, SearchField> fields, String name, String setting, String where) {
        SearchField f = fields.get(name);
        if (f == null) {
            throw new ConfigException(setting + " names " + name + ", which is not a field" + where);
        }
        return f;
    }

    private static void access(Map<String, SearchField> fields, String name, String setting, String where) {
        SearchField f = fields.get(name);
        String fix = " (RAGD_ENFORCE_ACCESS=true filters every search by it; ragd ingest adds it to an index it made,"
                + " or set " + setting + " to the index's own field)";
        if (f == null) {
            throw new ConfigException(setting + " names " + name + ", which is not a field" + where + fix);
        }
        if (!SearchFieldDataType.collection(SearchFieldDataType.STRING).equals(f.getType())
                || !Boolean.TRUE.equals(f.isFilterable())) {
            throw new ConfigException(setting + " names " + name + ", of type " + f.getType()
                    + (Boolean.TRUE.equals(f.isFilterable()) ? "" : ", not filterable")
                    + "; an access list must be a filterable Collection(Edm.String)" + where);
        }
    }

    private static void vector(SearchIndex index, SearchField f, SearchConfig config, Embedder embedder) {
        if (f.getVectorSearchDimensions() == null) {
            throw new ConfigException("RAGD_SEARCH_VECTOR_FIELD=" + f.getName() + " is not a vector field (type "
                    + f.getType() + ") in index " + index.getName());
        }
        if ("client".equals(config.integratedVectorization()) && embedder != null
                && f.getVectorSearchDimensions() != embedder.dimension()) {
            throw new ConfigException("RAGD_SEARCH_VECTOR_FIELD=" + f.getName() + " holds "
                    + f.getVectorSearchDimensions() + "-dimensional vectors, but the embedder " + embedder.name()
                    + " makes " + embedder.dimension() + " (set RAGD_EMBEDDINGS, RAGD_EMBEDDING_MODEL and"
                    + " RAGD_EMBEDDING_DIMENSIONS to the model that built the index; the book's: openai,"
                    + " text-embedding-3-small, 1536)");
        }
        if ("service".equals(config.integratedVectorization())) {
            List<VectorSearchProfile> profiles = index.getVectorSearch() == null || index.getVectorSearch().getProfiles() == null
                    ? List.of() : index.getVectorSearch().getProfiles();
            boolean vectorizer = profiles.stream().anyMatch(p -> p.getName().equals(f.getVectorSearchProfileName())
                    && p.getVectorizerName() != null);
            if (!vectorizer) {
                throw new ConfigException("RAGD_SEARCH_VECTORIZE=service needs a vectorizer on the vector profile of "
                        + f.getName() + " (profile " + f.getVectorSearchProfileName() + ") in index " + index.getName()
                        + "; it has none: use RAGD_SEARCH_VECTORIZE=client");
            }
        }
    }

    private static String semantic(SearchIndex index, SearchConfig config) {
        List<SemanticConfiguration> configs = index.getSemanticSearch() == null
                || index.getSemanticSearch().getConfigurations() == null ? List.of()
                : index.getSemanticSearch().getConfigurations();
        List<String> names = configs.stream().map(SemanticConfiguration::getName).toList();
        if (!config.semanticConfig().isEmpty()) {
            if (!names.contains(config.semanticConfig())) {
                throw new ConfigException("RAGD_SEARCH_SEMANTIC_CONFIG=" + config.semanticConfig()
                        + " is not a semantic configuration of index " + index.getName() + " (it has: " + names + ")");
            }
            return config.semanticConfig();
        }
        if (names.isEmpty()) {
            throw new ConfigException("RAGD_SEARCH_MODE=semantic needs a semantic configuration; index "
                    + index.getName() + " has none");
        }
        String byDefault = index.getSemanticSearch().getDefaultConfigurationName();
        if (byDefault != null) {
            return byDefault;
        }
        if (names.size() > 1) {
            throw new ConfigException("index " + index.getName() + " has several semantic configurations and no"
                    + " default: set RAGD_SEARCH_SEMANTIC_CONFIG to one of " + names);
        }
        return names.getFirst();
    }
}
