package dev.ragd.retrieval.azure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ragd.retrieval.SearchFilter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
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
}
