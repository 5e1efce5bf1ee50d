package dev.ragd.retrieval.azure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ragd.retrieval.Access;
import dev.ragd.retrieval.SearchFilter;
import dev.ragd.testsupport.FakeODataFilter;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class ODataFilterTest {

    @Test
    void theConfiguredAndTheClientsFiltersAreJoinedByAnd() {
        Map<String, List<String>> any = new LinkedHashMap<>();
        any.put("Manufacturer", List.of("Acme", "Zephyr"));
        any.put("Colour", List.of("teal"));

        assertThat(ODataFilter.of("DateModified ne '2020-01-01'", new SearchFilter(any))).isEqualTo(
                "(DateModified ne '2020-01-01') and (Manufacturer eq 'Acme' or Manufacturer eq 'Zephyr') and Colour eq 'teal'");
        assertThat(ODataFilter.of("", SearchFilter.NONE)).isEmpty();
        assertThat(ODataFilter.of(" ", new SearchFilter(Map.of("a", List.of("b"))))).isEqualTo("a eq 'b'");
    }

    @Test
    void aQuoteInAValueCannotEndTheLiteral() {
        assertThat(ODataFilter.literal("x' or Colour ne '")).isEqualTo("'x'' or Colour ne '''");
    }

    @Property
    void everyLiteralIsOneQuotedStringWhateverTheValue(@ForAll String value) {
        String literal = ODataFilter.literal(value);
        String inside = literal.substring(1, literal.length() - 1);
        assertThat(literal).startsWith("'").endsWith("'");
        assertThat(inside.replace("''", "")).doesNotContain("'");
        assertThat(inside.replace("''", "'")).isEqualTo(value);
    }

    @Test
    void theCallersAccessIsTheirNameInTheUsersListOrOneOfTheirGroupsInTheGroupsList() {
        SearchFilter f = new SearchFilter(Map.of("Colour", List.of("teal"))).withAccess(new Access("o'neil", List.of("eng", "sales")));

        assertThat(ODataFilter.of("", f, "oids", "groups")).isEqualTo("Colour eq 'teal' and (oids/any(u: u eq 'o''neil')"
                + " or groups/any(g: search.in(g, 'eng|sales|*', '|')))");
    }

    @Test
    void groupsHoldingTheDelimiterAreJoinedByAnotherOneOrByEqualities() {
        assertThat(ODataFilter.access(new Access("u", List.of("a|b", " ", "c")), "us", "gs"))
                .isEqualTo("(us/any(u: u eq 'u') or gs/any(g: search.in(g, 'a|b,c,*', ',')))");
        assertThat(ODataFilter.access(new Access("u", List.of("|,;~^`!#")), "us", "gs"))
                .isEqualTo("(us/any(u: u eq 'u') or gs/any(g: g eq '|,;~^`!#' or g eq '*'))");
    }

    /** The OData clause, evaluated as the service reads it, lets through exactly what {@link Access#sees} allows. */
    @Property(tries = 300)
    void theAccessClauseAdmitsExactlyWhatTheAccessRuleAdmits(@ForAll("names") String user,
            @ForAll @Size(max = 4) List<@From("names") String> groups,
            @ForAll @Size(max = 3) List<@From("names") String> allowedUsers,
            @ForAll @Size(max = 3) List<@From("names") String> allowedGroups) {
        JsonObject index = new JsonObject().put("fields", new JsonArray()
                .add(new JsonObject().put("name", "allowed_users").put("type", "Collection(Edm.String)"))
                .add(new JsonObject().put("name", "allowed_groups").put("type", "Collection(Edm.String)")));
        JsonObject doc = new JsonObject().put("allowed_users", new JsonArray(allowedUsers))
                .put("allowed_groups", new JsonArray(allowedGroups));
        Access who = new Access(user, groups);

        boolean admitted = !FakeODataFilter.apply(List.of(doc), ODataFilter.access(who, "allowed_users", "allowed_groups"),
                index).isEmpty();

        assertThat(admitted).isEqualTo(who.sees(allowedUsers, allowedGroups));
    }

    @Provide
    Arbitrary<String> names() {
        // Short names from few letters, so lists overlap, with the characters a filter must survive.
        return Arbitraries.strings().withChars("ab'|,;~^`!#* ").ofMinLength(1).ofMaxLength(3)
                .filter(s -> s.equals(s.strip()));
    }
}
