package dev.ragd.retrieval;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one search is narrowed to: for each metadata field the client named, the values it may have
 * (any of them), and, when access lists are enforced, who is searching ({@link Access}). Empty:
 * no narrowing. Which fields a client may name is configuration ({@code RAGD_SEARCH_CLIENT_FILTERS});
 * the pipeline refuses others before any search. Both parts apply together (and).
 *
 * @param anyOf  field name to its accepted values, in the order given; never empty lists
 * @param access the caller whose access lists apply, or {@code null} for none
 */
public record SearchFilter(Map<String, List<String>> anyOf, Access access) {

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

    /** A client's field filter, with no access lists. */
    public SearchFilter(Map<String, List<String>> anyOf) {
        this(anyOf, null);
    }

    /** This filter, narrowed further to what {@code who} may see. */
    public SearchFilter withAccess(Access who) {
        return new SearchFilter(anyOf, who);
    }

    public boolean isEmpty() {
        return anyOf.isEmpty() && access == null;
    }
}
