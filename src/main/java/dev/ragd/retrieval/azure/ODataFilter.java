package dev.ragd.retrieval.azure;

import dev.ragd.retrieval.Access;
import dev.ragd.retrieval.SearchFilter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The OData {@code $filter} of one search: the configured filter ({@code RAGD_SEARCH_FILTER}), the
 * client's (each field's values as {@code field eq 'value'} clauses joined by {@code or}), and the
 * caller's access ({@link #access}), all joined by {@code and}. Values are OData string literals: a
 * single quote is doubled, so a value cannot end its literal and add clauses of its own.
 */
final class ODataFilter {

    /** Characters that may separate {@code search.in} values, tried in order; the first no value holds wins. */
    private static final String DELIMITERS = "|,;~^`!#";

    private ODataFilter() {}

    /** The filter without access lists, or with them in the default fields ({@code allowed_users}, {@code allowed_groups}). */
    static String of(String configured, SearchFilter client) {
        return of(configured, client, Access.ALLOWED_USERS, Access.ALLOWED_GROUPS);
    }

    static String of(String configured, SearchFilter client, String usersField, String groupsField) {
        List<String> parts = new ArrayList<>();
        if (configured != null && !configured.isBlank()) {
            parts.add("(" + configured.strip() + ")");
        }
        for (Map.Entry<String, List<String>> e : client.anyOf().entrySet()) {
            List<String> any = e.getValue().stream().map(v -> e.getKey() + " eq " + literal(v)).toList();
            parts.add(any.size() == 1 ? any.getFirst() : "(" + String.join(" or ", any) + ")");
        }
        if (client.access() != null) {
            parts.add(access(client.access(), usersField, groupsField));
        }
        return String.join(" and ", parts);
    }

    /**
     * What {@code who} may see, by the rule {@link Access#sees} states: the users field holds the
     * caller, or the groups field holds one of the caller's groups or {@value Access#ANY_SIGNED_IN}.
     * Groups go through {@code search.in}, which the service documents as the fast way to match
     * hundreds of group ids, with a delimiter none of them contains.
     */
    static String access(Access who, String usersField, String groupsField) {
        Set<String> groups = new LinkedHashSet<>();
        who.groups().stream().map(String::strip).filter(g -> !g.isEmpty()).forEach(groups::add); // ingestion strips too
        groups.add(Access.ANY_SIGNED_IN);
        String users = usersField + "/any(u: u eq " + literal(who.user()) + ")";
        String delimiter = delimiter(groups);
        String inGroups = delimiter == null
                ? groupsField + "/any(g: " + String.join(" or ", groups.stream().map(g -> "g eq " + literal(g)).toList()) + ")"
                : groupsField + "/any(g: search.in(g, " + literal(String.join(delimiter, groups)) + ", "
                        + literal(delimiter) + "))";
        return "(" + users + " or " + inGroups + ")";
    }

    /** A delimiter character that occurs in none of {@code values}, or null when each one does. */
    private static String delimiter(Set<String> values) {
        for (char c : DELIMITERS.toCharArray()) {
            if (values.stream().noneMatch(v -> v.indexOf(c) >= 0)) {
                return String.valueOf(c);
            }
        }
        return null;
    }

    static String literal(String value) {
        return "'" + value.replace("'", "''") + "'";
    }
}
