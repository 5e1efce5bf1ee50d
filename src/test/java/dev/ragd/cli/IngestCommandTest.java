package dev.ragd.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ragd.retrieval.Embedders;
import dev.ragd.retrieval.LuceneIndex;
import dev.ragd.retrieval.LuceneRetriever;
import dev.ragd.retrieval.Passage;
import dev.ragd.retrieval.SearchMode;
import dev.ragd.testsupport.FakeAzureSearch;
import dev.ragd.testsupport.TestEmbedders;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ragd ingest} run in-process through {@link RagdCli#run}. */
class IngestCommandTest {

    @TempDir
    Path work;

    private final Map<String, String> env = new HashMap<>();

    private record Result(int code, String out, String err) {}

    private Result ingest(String... args) {
        env.putIfAbsent("RAGD_DATA_DIR", work.resolve("data").toString());
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        String[] all = new String[args.length + 1];
        all[0] = "ingest";
        System.arraycopy(args, 0, all, 1, args.length);
        int code = RagdCli.run(new PrintWriter(out, true), new PrintWriter(err, true), all, env, work);
        return new Result(code, out.toString(), err.toString());
    }

    private Path write(String relative, String content) throws IOException {
        Path p = work.resolve(relative);
        Files.createDirectories(p.getParent());
        return Files.writeString(p, content);
    }

    private LuceneIndex openIndex() {
        return LuceneIndex.open(work.resolve("data/index"), Embedders.LOCAL_NAME, 384);
    }

    @Test
    void ingestsIntoAzureAISearchAndSkipsTheUnchangedDocumentsNextTime() throws Exception {
        write("docs/returns.md", "# Returns\n\nBring the teapot back within 60 days.");
        write("docs/hours.txt", "Opening hours\nWe open at nine.");
        try (FakeAzureSearch search = new FakeAzureSearch("ingest-key")) {
            env.putAll(Map.of("AI_SEARCH_ENDPOINT", search.endpoint(), "AI_SEARCH_NAME", "teapots",
                    "AI_SEARCH_KEY", "ingest-key"));

            Result first = ingest("--target", "azure-ai-search", "--batch-size", "1", "--concurrency", "2", "docs");
            Result second = ingest("--target", "azure-ai-search", "docs");

            assertThat(first.code()).as(first.err()).isZero();
            assertThat(first.out()).contains("ingested documents=2 chunks=2 skipped=0 removed=0");
            assertThat(second.out()).contains("ingested documents=0 chunks=0 skipped=2 removed=0");
            assertThat(search.stored("teapots")).hasSize(2);
            assertThat(search.batches()).as("one document per batch").hasSize(2);
            assertThat(first.err() + first.out()).doesNotContain("ingest-key");
        }
        assertThat(work.resolve("data/index")).as("nothing written to the embedded index").doesNotExist();
    }

    @Test
    void eachBadTargetOptionIsRefusedNamingIt() throws IOException {
        write("docs/a.txt", "A page.");
        Result target = ingest("--target", "elastic", "docs");
        assertThat(target.code()).isEqualTo(2);
        assertThat(target.err()).contains("--target must be lucene or azure-ai-search, not elastic");

        Result settings = ingest("--target", "azure-ai-search", "docs");
        assertThat(settings.code()).isEqualTo(2);
        assertThat(settings.err()).contains("AI_SEARCH_ENDPOINT is required");

        Result batch = ingest("--target", "azure-ai-search", "--batch-size", "0", "docs");
        assertThat(batch.code()).isEqualTo(2);
        assertThat(batch.err()).contains("--batch-size must be 1-1000");
    }

    @Test
    void ingestsAFolderRecursivelyIntoAnEmptyDataDirWithoutTheSampleCorpus() throws IOException {
        write("docs/returns.md", "# Returns\n\nBring the teapot back within 60 days.");
        write("docs/guides/hours.txt", "Opening hours\nWe open at nine.");
        write("docs/about.html", "<title>About us</title><p>We sell teapots.</p>");
        write("docs/logo.bin", "not a document");

        Result r = ingest("docs");

        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).containsPattern("ingested documents=3 chunks=3 skipped=0 removed=0 seconds=\\d+\\.\\d\\d");
        try (LuceneIndex index = openIndex()) {
            assertThat(index.chunkCount()).isEqualTo(3);
            var retriever = new LuceneRetriever(index, TestEmbedders.fake("unused"), SearchMode.KEYWORD);
            assertThat(retriever.retrieve("opening hours teapot returns", 5)).extracting(Passage::docId)
                    .containsExactlyInAnyOrder("returns.md", "guides/hours.txt", "about.html");
        }
    }

    @Test
    void reIngestingSkipsUnchangedRecordsAndRemovesDeletedOnes() throws IOException {
        write("items.csv", "sku,name,blurb,gone\nA1,Teapot,A round teapot.,no\nA2,Mug,A tall mug.,no\n");
        Result first = ingest("--id-column", "sku", "--title-column", "name", "--text-columns", "blurb",
                "--deleted-column", "gone", "items.csv");
        assertThat(first.code()).as(first.err()).isZero();
        assertThat(first.out()).contains("documents=2 chunks=2 skipped=0 removed=0");

        write("items.csv", "sku,name,blurb,gone\nA1,Teapot,A round teapot.,no\nA2,Mug,A tall mug.,yes\n");
        Result second = ingest("--format", "csv", "--id-column", "sku", "--title-column", "name",
                "--text-columns", "blurb", "--deleted-column", "gone", "items.csv");
        assertThat(second.code()).as(second.err()).isZero();
        assertThat(second.out()).contains("documents=0 chunks=0 skipped=1 removed=1");
        try (LuceneIndex index = openIndex()) {
            assertThat(index.chunkCount()).isEqualTo(1);
        }
    }

    @Test
    void anUnknownFormatIsRejected() throws IOException {
        write("a.md", "# A");
        Result r = ingest("--format", "docx", "a.md");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("unknown format 'docx'").contains("csv, jsonl, md, txt, html, pdf");
    }

    @Test
    void aMissingPathIsRejected() {
        Result r = ingest("nowhere/file.md");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("no such file or folder").contains("nowhere/file.md");
    }

    @Test
    void noPathAtAllIsAUsageError() {
        Result r = ingest();
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("give files or folders to ingest, or --sql JDBC_URL --query SQL");
    }

    @Test
    void aFileOfUnknownExtensionNeedsAFormat() throws IOException {
        write("notes.docx", "x");
        Result r = ingest("notes.docx");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("cannot tell the format").contains("notes.docx").contains("--format");
    }

    @Test
    void aFolderWithNoKnownFilesIsRejected() throws IOException {
        write("empty/logo.bin", "x");
        Result r = ingest("empty");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("no files of a known format");
    }

    @Test
    void aCsvWithoutTheIdColumnIsRejectedNamingItsColumns() throws IOException {
        write("items.csv", "sku,name\nA1,Teapot\n");
        Result r = ingest("items.csv");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("no column 'id'").contains("sku, name").contains("--id-column");
    }

    @Test
    void aTextColumnMissingFromTheCsvIsRejected() throws IOException {
        write("items.csv", "id,name\nA1,Teapot\n");
        Result r = ingest("--text-columns", "body,name", "items.csv");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("no column 'body'");
    }

    @Test
    void aBadChunkConfigurationIsAConfigurationError() throws IOException {
        write("a.md", "# A");
        env.put("RAGD_CHUNK_OVERLAP", "5000");
        Result r = ingest("a.md");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("configuration error").contains("RAGD_CHUNK_OVERLAP");
    }

    @Test
    void anIndexBuiltByAnotherEmbedderIsRefusedNamingBoth() throws IOException {
        LuceneIndex.open(work.resolve("data/index"), "openai-text-embedding-3-small", 1536).close();
        write("a.md", "# A\n\nText.");
        Result r = ingest("a.md");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("embedder=openai-text-embedding-3-small").contains("embedder=bge-small-en-v15-q");
    }
}
