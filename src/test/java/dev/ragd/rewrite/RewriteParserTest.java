package dev.ragd.rewrite;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RewriteParserTest {

    @Test
    void stripsBulletsNumbersAndQuotesFromMessyOutput() {
        String output = """
                Here are the search queries:
                1. "Ember Kettle price"
                2) **Ember Kettle warranty**
                - 'Ember Kettle colours'
                """;

        assertThat(RewriteParser.parse(output, "q", 3))
                .containsExactly("Ember Kettle price", "Ember Kettle warranty", "Ember Kettle colours");
    }

    @Test
    void dropsBlankLinesAndDuplicatesIgnoringCase() {
        String output = "\n\n* return policy\n\n  RETURN POLICY  \n• refund window\n";

        assertThat(RewriteParser.parse(output, "q", 3)).containsExactly("return policy", "refund window");
    }

    @Test
    void capsAtMaxQueries() {
        assertThat(RewriteParser.parse("a\nb\nc\nd", "q", 2)).containsExactly("a", "b");
    }

    @Test
    void keepsNumbersThatArePartOfTheQuery() {
        assertThat(RewriteParser.parse("K-103 warranty\n2024 shipping rates", "q", 3))
                .containsExactly("K-103 warranty", "2024 shipping rates");
    }

    @Test
    void fallsBackToTheQuestionWhenNothingUsableIsLeft() {
        assertThat(RewriteParser.parse("  \n\"\"\n- \n", "How long is the warranty?", 3))
                .containsExactly("How long is the warranty?");
        assertThat(RewriteParser.parse(null, "q", 3)).containsExactly("q");
    }

    @Test
    void dropsLabelsLikeQueryOne() {
        assertThat(RewriteParser.parse("Query 1: kettle price\nSearch query 2 - kettle size", "q", 3))
                .containsExactly("kettle price", "kettle size");
    }
}
