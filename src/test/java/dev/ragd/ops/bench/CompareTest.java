package dev.ragd.ops.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import dev.ragd.ops.bench.Compare.Row;
import dev.ragd.ops.bench.Compare.Run;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class CompareTest {

    private static Run run(String... lines) {
        return Compare.parse(List.of(lines), "run.txt");
    }

    @Test
    void readsNameValueLinesInOrderWithTheValueTrimmed() {
        Run r = run("model_load_ms=2371", "analyzer = english ", "hybrid_recall@3=0.929", "tuning=10/2.0/1.0/1.1/60",
                "empty=", "server_stats={\"active\":0}");
        assertThat(r.values()).containsExactly(entry("model_load_ms", "2371"), entry("analyzer", "english"),
                entry("hybrid_recall@3", "0.929"), entry("tuning", "10/2.0/1.0/1.1/60"), entry("empty", ""),
                entry("server_stats", "{\"active\":0}"));
        assertThat(r.problems()).isEmpty();
    }

    @Test
    void skipsBlankLinesCommentsAndSummaryLinesWithoutComplaint() {
        Run r = run("", "# a note about this baseline", "a=1", "   ",
                "flood rss_growth_mb=5 heap_retained_mb=3", "chatlog_soak bytes_per_record=4585 p95_ms=5.14");
        assertThat(r.values()).containsExactly(entry("a", "1"));
        assertThat(r.problems()).isEmpty();
    }

    @Test
    void reportsMalformedLinesWithTheirLineNumberAndReadsTheRest() {
        Run r = run("a=1", "WARNING: something the JVM said", "=no name", "rss growth = 5", "b=2");
        assertThat(r.values()).containsExactly(entry("a", "1"), entry("b", "2"));
        assertThat(r.problems()).hasSize(3);
        assertThat(r.problems().get(0)).startsWith("run.txt:2: ").contains("WARNING: something the JVM said");
        assertThat(r.problems().get(1)).startsWith("run.txt:3: ");
        assertThat(r.problems().get(2)).startsWith("run.txt:4: ");
    }

    @Test
    void numbersARepeatedNameByPositionAndSplitsAValueOfPairs() {
        Run r = run("sample=t=0s bytes=100 records=0", "after_prune=bytes=50", "sample=t=10s bytes=300 records=7");
        assertThat(r.values()).containsExactly(entry("sample#1.t", "0s"), entry("sample#1.bytes", "100"),
                entry("sample#1.records", "0"), entry("after_prune.bytes", "50"), entry("sample#2.t", "10s"),
                entry("sample#2.bytes", "300"), entry("sample#2.records", "7"));
    }

    @Test
    void theRatioIsNewOverOldForNumbers() {
        assertThat(Compare.verdict("2.0", "3")).isEqualTo("1.500");
        assertThat(Compare.verdict("5.14", "0.92")).isEqualTo("0.179");
        assertThat(Compare.verdict("-2", "1")).isEqualTo("-0.500");
        assertThat(Compare.verdict("1e3", "500")).isEqualTo("0.500");
        // the first word is the number; what follows it annotates it
        assertThat(Compare.verdict("0.52 (20 records)", "1.04 (20 records)")).isEqualTo("2.000");
        assertThat(Compare.verdict("1.036 streams=1000", "1.036")).isEqualTo("1.000");
    }

    @Test
    void aZeroOldValueHasNoRatio() {
        assertThat(Compare.verdict("0", "0")).isEqualTo("same");
        assertThat(Compare.verdict("0.00", "0")).isEqualTo("same");
        assertThat(Compare.verdict("0", "3")).isEqualTo("n/a");
    }

    @Test
    void nonNumericValuesAreKeptAsTextAndComparedForEquality() {
        assertThat(Compare.number("english")).isNull();
        assertThat(Compare.number("true")).isNull();
        assertThat(Compare.number("NaN")).isNull();
        assertThat(Compare.number("1f")).isNull(); // Double.parseDouble would take it
        assertThat(Compare.number("10/2.0/1.0")).isNull();
        assertThat(Compare.verdict("english", "english")).isEqualTo("same");
        assertThat(Compare.verdict("english", "standard")).isEqualTo("differs");
        assertThat(Compare.verdict("NaN", "501.3")).isEqualTo("differs");
        List<Row> rows = Compare.compare(run("describe=file:<tmp>/data/chatlog (SQLite)"),
                run("describe=file:<tmp>/data/chatlog (SQLite)"));
        assertThat(rows).containsExactly(new Row("describe", "file:<tmp>/data/chatlog (SQLite)",
                "file:<tmp>/data/chatlog (SQLite)", "same"));
    }

    @Test
    void marksNamesThatOnlyOneRunHas() {
        List<Row> rows = Compare.compare(run("a=1", "gone=2", "b=4"), run("b=2", "new=7", "a=1.5 (note)"));
        assertThat(rows).containsExactly(
                new Row("a", "1", "1.5", "1.500"),
                new Row("gone", "2", null, "only in OLD"),
                new Row("b", "4", "2", "0.500"),
                new Row("new", null, "7", "only in NEW"));
    }

    @Test
    void printsAnAlignedTableWithADashForAMissingValue() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Compare.print(Compare.compare(run("p95_ms=5.14", "gone=1"), run("p95_ms=0.92")), new PrintStream(bytes, true,
                StandardCharsets.UTF_8));
        assertThat(bytes.toString(StandardCharsets.UTF_8).lines()).containsExactly(
                "name    old   new   new/old",
                "p95_ms  5.14  0.92  0.179",
                "gone    1     -     only in OLD");
    }

    @Test
    void everySavedRunInBenchReadsWithoutProblems() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("bench"))) {
            List<Path> runs = files.filter(p -> p.toString().endsWith(".txt")).sorted().toList();
            assertThat(runs).isNotEmpty();
            for (Path p : runs) {
                Run r = Compare.parse(Files.readAllLines(p), p.toString());
                assertThat(r.problems()).as(p.toString()).isEmpty();
                assertThat(r.values()).as(p.toString()).isNotEmpty();
            }
        }
    }
}
