package dev.ragd.retrieval.azure;

import com.azure.search.documents.indexes.models.HnswAlgorithmConfiguration;
import com.azure.search.documents.indexes.models.HnswParameters;
import com.azure.search.documents.indexes.models.SearchField;
import com.azure.search.documents.indexes.models.SearchFieldDataType;
import com.azure.search.documents.indexes.models.SearchIndex;
import com.azure.search.documents.indexes.models.SemanticConfiguration;
import com.azure.search.documents.indexes.models.SemanticField;
import com.azure.search.documents.indexes.models.SemanticPrioritizedFields;
import com.azure.search.documents.indexes.models.SemanticSearch;
import com.azure.search.documents.indexes.models.VectorSearch;
import com.azure.search.documents.indexes.models.VectorSearchAlgorithmMetric;
import com.azure.search.documents.indexes.models.VectorSearchProfile;
import dev.ragd.config.ConfigException;
import dev.ragd.config.SearchConfig;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The index {@code ragd ingest --target azure-ai-search} writes: the {@code RAGD_SEARCH_*} key,
 * title, content and vector fields, plus {@link #DOC_ID}, {@link #CHUNK_ID}, {@link #URL} and
 * {@link #CONTENT_HASH} (what skips unchanged documents and finds a document's chunks), an HNSW
 * vector profile (cosine) and a semantic configuration over the title and content. Keys are the
 * chunk ids in URL-safe Base64, because a key may hold only letters, digits, {@code _ - =}.
 */
final class RagdIndexSchema {

    static final String DOC_ID = "doc_id";
    static final String CHUNK_ID = "chunk_id";
    static final String URL = "url";
    static final String CONTENT_HASH = "content_hash";
    static final String PROFILE = "ragd-hnsw";
    static final String ALGORITHM = "ragd-hnsw-config";
    static final String SEMANTIC = "ragd-semantic";

    private RagdIndexSchema() {}

    /** A vector as the SDK's documents and vector queries carry it. */
    static List<Float> floats(float[] v) {
        List<Float> out = new ArrayList<>(v.length);
        for (float f : v) {
            out.add(f);
        }
        return out;
    }

    static String key(String chunkId) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(chunkId.getBytes(StandardCharsets.UTF_8));
    }

    static SearchIndex definition(SearchConfig config, int dimension) {
        List<SearchField> fields = new ArrayList<>(List.of(
                new SearchField(config.idField(), SearchFieldDataType.STRING).setKey(true).setFilterable(true)
                        .setSortable(true),
                new SearchField(DOC_ID, SearchFieldDataType.STRING).setFilterable(true),
                new SearchField(CHUNK_ID, SearchFieldDataType.STRING),
                new SearchField(URL, SearchFieldDataType.STRING),
                new SearchField(CONTENT_HASH, SearchFieldDataType.STRING).setFilterable(true)));
        fields.addAll(accessFields(config));
        if (!config.titleField().isEmpty()) {
            fields.add(new SearchField(config.titleField(), SearchFieldDataType.STRING).setSearchable(true));
        }
        fields.add(new SearchField(content(config), SearchFieldDataType.STRING).setSearchable(true));
        fields.add(new SearchField(config.vectorField(), SearchFieldDataType.collection(SearchFieldDataType.SINGLE))
                .setSearchable(true).setVectorSearchDimensions(dimension).setVectorSearchProfileName(PROFILE));
        SemanticPrioritizedFields prioritized = new SemanticPrioritizedFields()
                .setContentFields(new SemanticField(content(config)));
        if (!config.titleField().isEmpty()) {
            prioritized.setTitleField(new SemanticField(config.titleField()));
        }
        return new SearchIndex(config.index(), fields)
                .setVectorSearch(new VectorSearch()
                        .setAlgorithms(new HnswAlgorithmConfiguration(ALGORITHM).setParameters(new HnswParameters()
                                .setM(4).setEfConstruction(400).setEfSearch(500)
                                .setMetric(VectorSearchAlgorithmMetric.COSINE)))
                        .setProfiles(new VectorSearchProfile(PROFILE, ALGORITHM)))
                .setSemanticSearch(new SemanticSearch().setDefaultConfigurationName(SEMANTIC)
                        .setConfigurations(List.of(new SemanticConfiguration(SEMANTIC, prioritized))));
    }

    /**
     * The access lists ({@code RAGD_SEARCH_ACCESS_USERS_FIELD}, {@code RAGD_SEARCH_ACCESS_GROUPS_FIELD}):
     * filterable string collections, not searchable (ids are matched exactly, never as words).
     */
    static List<SearchField> accessFields(SearchConfig config) {
        return List.of(accessField(config.accessUsersField()), accessField(config.accessGroupsField()));
    }

    private static SearchField accessField(String name) {
        return new SearchField(name, SearchFieldDataType.collection(SearchFieldDataType.STRING)).setFilterable(true)
                .setSearchable(false).setFacetable(false).setSortable(false);
    }

    /** The field ingestion writes a chunk's text to: the first content field. */
    static String content(SearchConfig config) {
        return config.contentFields().getFirst();
    }

    /**
     * Checks that an existing index can take ragd's chunks; names the first field that is missing
     * or of another type.
     */
    static void checkWritable(SearchIndex index, SearchConfig config, int dimension) {
        Map<String, SearchField> have = new HashMap<>();
        index.getFields().forEach(f -> have.put(f.getName(), f));
        for (SearchField want : definition(config, dimension).getFields()) {
            SearchField f = have.get(want.getName());
            String where = " in index " + index.getName() + ", which ragd ingest writes (its fields: "
                    + String.join(", ", have.keySet()) + ")";
            if (f == null) {
                throw new ConfigException("field " + want.getName() + " (" + want.getType() + ") is missing" + where
                        + "; ingest into a new AI_SEARCH_NAME, or add the field");
            }
            if (!want.getType().equals(f.getType())) {
                throw new ConfigException("field " + want.getName() + " is " + f.getType() + ", not " + want.getType()
                        + where);
            }
            if (want.getVectorSearchDimensions() != null && !want.getVectorSearchDimensions().equals(
                    f.getVectorSearchDimensions())) {
                throw new ConfigException("field " + want.getName() + " holds " + f.getVectorSearchDimensions()
                        + "-dimensional vectors; the embedder makes " + dimension + where);
            }
            if (Boolean.TRUE.equals(want.isFilterable()) && !Boolean.TRUE.equals(f.isFilterable())) {
                throw new ConfigException("field " + want.getName() + " must be filterable" + where);
            }
            if (Boolean.TRUE.equals(want.isSortable()) && !Boolean.TRUE.equals(f.isSortable())) {
                throw new ConfigException("field " + want.getName() + " must be sortable" + where);
            }
        }
    }
}
