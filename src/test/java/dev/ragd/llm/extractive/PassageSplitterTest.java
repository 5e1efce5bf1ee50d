package dev.ragd.llm.extractive;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ragd.llm.extractive.Candidate.Kind;
import java.util.List;
import org.junit.jupiter.api.Test;

class PassageSplitterTest {

    private final TermAnalyser analyser = new TermAnalyser();
    private final PassageSplitter splitter = new PassageSplitter(analyser::terms);

    private List<String> texts(String passage, Kind kind) {
        return splitter.split(0, passage).stream().filter(c -> c.kind() == kind).map(Candidate::text).toList();
    }

    @Test
    void inlineMarkdownIsRemovedButLinkAndCodeTextIsKept() {
        List<String> prose = texts("We accept returns within **30 days** of _delivery_. Run `ragd ingest` or read "
                + "[the guide](https://example.com/guide) and ![a map](map.png). ~~Old rule~~ *New rule* applies.",
                Kind.PROSE);

        assertThat(prose).containsExactly("We accept returns within 30 days of delivery.",
                "Run ragd ingest or read the guide and a map.", "Old rule New rule applies.");
    }

    @Test
    void snakeCaseWordsAndLoneAsterisksAreNotTakenForEmphasis() {
        assertThat(texts("Set max_chunk_size to 5 * 3 or more.", Kind.PROSE))
                .containsExactly("Set max_chunk_size to 5 * 3 or more.");
    }

    @Test
    void tableRowsBecomeLinesLabelledByTheHeaderRow() {
        List<String> prose = texts("| Option | Time | Price |\n| --- | :---: | ---: |\n"
                + "| Standard | 3 to 6 days | 4.95 USD |\n| Express | 1 to 2 days | 14.95 USD |", Kind.PROSE);

        assertThat(prose).containsExactly("Standard — Time: 3 to 6 days; Price: 4.95 USD",
                "Express — Time: 1 to 2 days; Price: 14.95 USD");
    }

    @Test
    void headingGluedToItsParagraphByChunkingIsSplitOffAndBecomesTheSection() {
        List<Candidate> out = splitter.split(0, "Earlier text ends here.\n\n"
                + "## Tracking your parcel You get a tracking link by email. It works for a month.");

        assertThat(out).extracting(Candidate::text).containsExactly("Earlier text ends here.",
                "Tracking your parcel", "You get a tracking link by email.", "It works for a month.");
        Candidate lead = out.get(2);
        assertThat(lead.lead()).isTrue();
        assertThat(lead.section()).containsExactlyInAnyOrder("track", "parcel");
        assertThat(out.get(3).lead()).isFalse();
        assertThat(out.get(0).section()).isEmpty();
    }

    @Test
    void headingFollowedByAGluedNumberedListKeepsTheListItem() {
        assertThat(splitter.split(0, "## How to make a claim 1. Find your order number.\n2. Fill in the form."))
                .extracting(Candidate::text)
                .containsExactly("How to make a claim", "Find your order number.", "Fill in the form.");
    }

    @Test
    void aOneWordSentenceStaysWithTheNextSentence() {
        assertThat(texts("Yes. Guest checkout asks only for an email address. You can sign up later.", Kind.PROSE))
                .containsExactly("Yes. Guest checkout asks only for an email address.", "You can sign up later.");
    }

    @Test
    void introductionUnderTheDocumentTitleHasTheTitleAsSectionButNoLead() {
        List<Candidate> out = splitter.split(0, "# Shipping and Delivery\n\nWe ship from Ohio.");

        assertThat(out.get(1).section()).containsExactlyInAnyOrder("ship", "deliveri");
        assertThat(out.get(1).lead()).isFalse();
    }

    @Test
    void keyValueLineIsARecordButAColonInsideProseIsNot() {
        String text = "Price usd: 49.00\nDimensions width cm: 30\n"
                + "Descale every month in hard-water areas: fill the kettle with vinegar. Then rinse twice.\n"
                + "Products Points: you earn one point per dollar. Points expire after 18 months.";

        assertThat(texts(text, Kind.RECORD)).containsExactly("Price usd: 49.00", "Dimensions width cm: 30");
        assertThat(texts(text, Kind.PROSE)).hasSize(4);
    }
}
