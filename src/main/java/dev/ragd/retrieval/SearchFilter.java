package dev.ragd.retrieval;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a client asked to narrow one search to: for each metadata field, the values it may have
 * (any of them). Empty: no narrowing. Which fields a client may name is configuration
 * ({@code RAGD_SEARCH_CLIENT_FILTERS}); the pipeline refuses others before any search.
 *
 * @param anyOf field name to its accepted values, in the order given; never empty lists
 */
public record SearchFilter(Map<String, List<String>> anyOf) {

    public static final SearchFilter NONE = new SearchFilter(Map.of());

    public SearchFilter {
        Map<String, List<String>> copy = new LinkedHashMap<>();
        anyOf.forEach((k, v) -> {
            if (v.isEmpty()) {
                throw new IllegalArgumentException("no values for filter field " + k);
            }
            copy.put(k, List.copyOf(v));
        });
        anyOf = java.util.Collections.unmodifiableMap(copy);
    }

    public boolean isEmpty() {
        return anyOf.isEmpty();
    }
}
