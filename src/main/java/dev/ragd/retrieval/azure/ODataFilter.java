package dev.ragd.retrieval.azure;

import dev.ragd.retrieval.SearchFilter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The OData {@code $filter} of one search: the configured filter ({@code RAGD_SEARCH_FILTER}) and
 * the client's, each field's values as {@code field eq 'value'} clauses joined by {@code or}, the
 * fields joined by {@code and}. Values are OData string literals: a single quote is doubled, so a
 * value cannot end its literal and add clauses of its own.
 */
final class ODataFilter {

    private ODataFilter() {}

    static String of(String configured, SearchFilter client) {
        List<String> parts = new ArrayList<>();
        if (configured != null && !configured.isBlank()) {
            parts.add("(" + configured.strip() + ")");
        }
        for (Map.Entry<String, List<String>> e : client.anyOf().entrySet()) {
            List<String> any = e.getValue().stream().map(v -> e.getKey() + " eq " + literal(v)).toList();
            parts.add(any.size() == 1 ? any.getFirst() : "(" + String.join(" or ", any) + ")");
        }
        return String.join(" and ", parts);
    }

    static String literal(String value) {
        return "'" + value.replace("'", "''") + "'";
    }
}
