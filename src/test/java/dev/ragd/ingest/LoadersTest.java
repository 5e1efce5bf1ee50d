package dev.ragd.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;
import org.junit.jupiter.api.Test;

class LoadersTest {

    private static List<SourceDocument> load(String content, String name, Format format, RecordOptions options)
            throws IOException {
        return load(content.getBytes(StandardCharsets.UTF_8), name, format, options);
    }

    private static List<SourceDocument> load(byte[] content, String name, Format format, RecordOptions options)
            throws IOException {
        List<SourceDocument> out = new ArrayList<>();
        Loaders.load(new ByteArrayInputStream(content), name, "docs/" + name, format, options, out::add);
        return out;
    }

    @Test
    void markdownTakesItsTitleFromTheFirstHeading() throws IOException {
        List<SourceDocument> docs = load("Intro line\n\n# Returns policy\n\nSend it back within 30 days.",
                "returns.md", Format.MD, RecordOptions.DEFAULTS);
        assertThat(docs).singleElement().satisfies(d -> {
            assertThat(d.id()).isEqualTo("docs/returns.md");
            assertThat(d.title()).isEqualTo("Returns policy");
            assertThat(d.text()).contains("Send it back within 30 days.");
        });
    }

    @Test
    void plainTextTakesItsTitleFromTheFirstLine() throws IOException {
        assertThat(load("\nOpening hours\nWe open at nine.", "hours.txt", Format.TXT, RecordOptions.DEFAULTS))
                .singleElement().satisfies(d -> {
                    assertThat(d.title()).isEqualTo("Opening hours");
                    assertThat(d.text()).isEqualTo("Opening hours\nWe open at nine.");
                });
    }

    @Test
    void htmlKeepsTextWithBlocksAsParagraphsButNotScripts() throws IOException {
        String html = "<html><head><title>Care guide</title><script>var secret = 1;</script></head>"
                + "<body><h1>Kettles</h1><p>Descale   monthly.</p><p>Dry the <b>cast iron</b> ones.</p>"
                + "<style>p{}</style></body></html>";
        assertThat(load(html, "care.html", Format.HTML, RecordOptions.DEFAULTS)).singleElement().satisfies(d -> {
            assertThat(d.title()).isEqualTo("Care guide");
            assertThat(d.text()).isEqualTo("Kettles\n\nDescale monthly.\n\nDry the cast iron ones.");
        });
    }

    @Test
    void pdfTextAndTitleAreExtracted() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PDDocument doc = new PDDocument()) {
            PDPage page = new PDPage();
            doc.addPage(page);
            doc.getDocumentInformation().setTitle("Warranty card");
            try (PDPageContentStream s = new PDPageContentStream(doc, page)) {
                s.beginText();
                s.setFont(new PDType1Font(Standard14Fonts.FontName.HELVETICA), 12);
                s.newLineAtOffset(72, 700);
                s.showText("Your kettle is covered for two years.");
                s.endText();
            }
            doc.save(bytes);
        }
        assertThat(load(bytes.toByteArray(), "card.pdf", Format.PDF, RecordOptions.DEFAULTS)).singleElement()
                .satisfies(d -> {
                    assertThat(d.title()).isEqualTo("Warranty card");
                    assertThat(d.text()).contains("Your kettle is covered for two years.");
                });
    }

    @Test
    void aBrokenPdfIsReportedWithItsName() {
        assertThatThrownBy(() -> load("not a pdf", "broken.pdf", Format.PDF, RecordOptions.DEFAULTS))
                .isInstanceOf(IngestException.class).hasMessageContaining("broken.pdf");
    }

    @Test
    void csvRecordsGetTextAndReadableMetadataLinesWithJsonFlattened() throws IOException {
        String csv = """
                sku,product_name,blurb,author_name,specs,gone
                P1,Aurora Kettle,A copper kettle.,Jane Doe,"{""power"":{""watts"":2200},""colour"":""copper""}",no
                P2,Boreal Kettle,A white kettle.,John Roe,,yes
                """;
        RecordOptions o = new RecordOptions("sku", "product_name", List.of("blurb"), List.of("author_name", "specs"),
                "gone", null);
        List<SourceDocument> docs = load(csv, "p.csv", Format.CSV, o);
        assertThat(docs).hasSize(2);
        SourceDocument p1 = docs.get(0);
        assertThat(p1.id()).isEqualTo("P1");
        assertThat(p1.title()).isEqualTo("Aurora Kettle");
        assertThat(p1.deleted()).isFalse();
        assertThat(p1.text()).isEqualTo("A copper kettle.\n\nAuthor name: Jane Doe\nSpecs power watts: 2200\nSpecs colour: copper");
        assertThat(docs.get(1).deleted()).isTrue();
    }

    @Test
    void csvWithoutNamedColumnsMakesEveryOtherColumnAMetadataLine() throws IOException {
        List<SourceDocument> docs = load("id,title,priceUsd,colour\n7,Lamp,45,red\n", "x.csv", Format.CSV,
                RecordOptions.DEFAULTS);
        assertThat(docs).singleElement().satisfies(d -> {
            assertThat(d.title()).isEqualTo("Lamp");
            assertThat(d.text()).isEqualTo("Price usd: 45\nColour: red");
        });
    }

    @Test
    void csvWithoutTheIdColumnNamesTheColumnsItHas() {
        assertThatThrownBy(() -> load("sku,name\n1,a\n", "items.csv", Format.CSV, RecordOptions.DEFAULTS))
                .isInstanceOf(IngestException.class)
                .hasMessageContaining("items.csv").hasMessageContaining("no column 'id'")
                .hasMessageContaining("sku, name").hasMessageContaining("--id-column");
    }

    @Test
    void csvWithAnEmptyIdNamesTheLine() {
        assertThatThrownBy(() -> load("id,name\n1,a\n,b\n", "items.csv", Format.CSV, RecordOptions.DEFAULTS))
                .isInstanceOf(IngestException.class).hasMessageContaining("line 3").hasMessageContaining("empty id");
    }

    @Test
    void jsonlRecordsFlattenNestedObjectsAndArrays() throws IOException {
        String jsonl = """
                {"id": 42, "title": "Trail guide", "body": "Walk north.", "meta": {"author": {"first_name": "Ann"}, "tags": ["hiking", "maps"]}, "deleted": false}

                {"id": "43", "title": "Old guide", "deleted": "true"}
                """;
        RecordOptions o = new RecordOptions("id", null, List.of("body"), List.of("meta"), "deleted", null);
        List<SourceDocument> docs = load(jsonl, "g.jsonl", Format.JSONL, o);
        assertThat(docs).hasSize(2);
        assertThat(docs.get(0).id()).isEqualTo("42");
        assertThat(docs.get(0).title()).isEqualTo("Trail guide");
        assertThat(docs.get(0).text()).isEqualTo("Walk north.\n\nMeta author first name: Ann\nMeta tags: hiking, maps");
        assertThat(docs.get(1).deleted()).isTrue();
    }

    @Test
    void jsonlWithBadJsonOrAMissingIdNamesTheLine() {
        assertThatThrownBy(() -> load("{\"id\":1}\n{oops\n", "a.jsonl", Format.JSONL, RecordOptions.DEFAULTS))
                .isInstanceOf(IngestException.class).hasMessageContaining("a.jsonl line 2").hasMessageContaining("JSON");
        assertThatThrownBy(() -> load("{\"key\":1}\n", "b.jsonl", Format.JSONL, RecordOptions.DEFAULTS))
                .isInstanceOf(IngestException.class).hasMessageContaining("b.jsonl line 1")
                .hasMessageContaining("no field 'id'");
    }

    @Test
    void columnNamesAreMadeReadable() {
        assertThat(RecordMapper.readable("author_name")).isEqualTo("Author name");
        assertThat(RecordMapper.readable("releaseDate")).isEqualTo("Release date");
        assertThat(RecordMapper.readable("weight-kg")).isEqualTo("Weight kg");
    }

    @Test
    void theSampleCorpusLoadsFromTheClasspath() {
        List<SourceDocument> docs = new ArrayList<>();
        SampleCorpus.load(docs::add);
        assertThat(docs).hasSizeGreaterThanOrEqualTo(64);
        assertThat(docs).extracting(SourceDocument::id).contains("K-101", "U-110", "returns-policy.md", "shipping.md");
        assertThat(docs).filteredOn(d -> d.id().equals("K-103")).singleElement()
                .satisfies(d -> assertThat(d.text()).contains("Warranty: 5 years").contains("Material: Cast iron"));
    }
}
