package dev.ragd.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ragd.cli.RagdCli;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Access lists arrive with records: kept out of the text, a change re-writes the document, and they are bounded. */
class AccessListIngestTest {

    @TempDir
    Path work;

    private record Result(int code, String out, String err) {}

    private Result ingest(String jsonl) throws Exception {
        Files.writeString(work.resolve("docs.jsonl"), jsonl);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = RagdCli.run(new PrintWriter(out, true), new PrintWriter(err, true), new String[] {"ingest", "docs.jsonl"},
                Map.of("RAGD_DATA_DIR", work.resolve("data").toString()), work);
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void aChangedAccessListRewritesTheDocumentAndTheListsStayOutOfItsText() throws Exception {
        Result first = ingest("{\"id\":\"a\",\"text\":\"Orion plan.\",\"allowed_groups\":[\"eng\"]}\n");
        assertThat(first.code()).as(first.err()).isZero();
        assertThat(first.out()).contains("documents=1");
        Result same = ingest("{\"id\":\"a\",\"text\":\"Orion plan.\",\"allowed_groups\":[\"eng\"]}\n");
        assertThat(same.out()).contains("documents=0").contains("skipped=1");
        Result changed = ingest("{\"id\":\"a\",\"text\":\"Orion plan.\",\"allowed_groups\":\"eng, sales\"}\n");
        assertThat(changed.out()).as("new readers: written again").contains("documents=1");
        SourceDocument d = new RecordMapper(RecordOptions.DEFAULTS, "docs.jsonl").map(Map.of(
                "id", com.fasterxml.jackson.databind.node.TextNode.valueOf("a"),
                "text", com.fasterxml.jackson.databind.node.TextNode.valueOf("Orion plan."),
                "allowed_users", com.fasterxml.jackson.databind.node.TextNode.valueOf(" alice ,, bob ")), "line 1");
        assertThat(d.allowedUsers()).containsExactly("alice", "bob");
        assertThat(d.text()).doesNotContain("alice");
    }

    @Test
    void anEnormousAccessListIsRefusedNamingTheDocumentAndField() throws Exception {
        String many = "[" + String.join(",", java.util.Collections.nCopies(1001, "\"g\"")) + "]";
        Result r = ingest("{\"id\":\"big\",\"text\":\"Orion.\",\"allowed_groups\":" + many + "}\n");
        assertThat(r.code()).isNotZero();
        assertThat(r.err()).contains("'big'").contains("allowed_groups").contains("1000");
    }
}
