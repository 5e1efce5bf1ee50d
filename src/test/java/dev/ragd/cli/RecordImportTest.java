package dev.ragd.cli;

import static dev.ragd.testsupport.ChatRecords.T0;
import static dev.ragd.testsupport.ChatRecords.record;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ragd.chatlog.ChatRecordJson;
import dev.ragd.testsupport.InMemoryChatLog;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** How an import counts and reports when the store refuses a record or fails. */
class RecordImportTest {

    private final List<String> problems = new ArrayList<>();

    private static JsonLinesReader.Line line(long n, String id) {
        return new JsonLinesReader.Line(n, ChatRecordJson.toJson(record(id, T0.plusSeconds(n))), null);
    }

    @Test
    void aRecordTheStoreRefusesIsInvalidWithItsLineNumberAndTheRestGoOn() {
        InMemoryChatLog log = new InMemoryChatLog().failing(new IllegalArgumentException("record too large"));
        try (RecordImport im = new RecordImport(log, UnaryOperator.identity(), (n, p) -> problems.add(n + ": " + p))) {
            im.accept(line(1, "a"));
            im.accept(line(2, "b"));
            im.flush();

            assertThat(im.counts()).isEqualTo(new RecordImport.Counts(2, 0, 0, 2));
        }
        assertThat(problems).containsExactly("1: the store refused the record: record too large",
                "2: the store refused the record: record too large");
    }

    @Test
    void aStoreFailureEndsTheImportNamingTheLineAndKeepsWhatWasWritten() {
        InMemoryChatLog log = new InMemoryChatLog();
        try (RecordImport im = new RecordImport(log, UnaryOperator.identity(), (n, p) -> problems.add(n + ": " + p))) {
            im.accept(line(1, "a"));
            im.flush();
            log.failing(new IllegalStateException("connection refused"));
            im.accept(line(2, "b"));

            assertThatThrownBy(im::flush).isInstanceOf(RecordImport.StoreFailure.class)
                    .hasMessage("the store failed at line 2: connection refused");
            assertThat(im.counts()).isEqualTo(new RecordImport.Counts(2, 1, 0, 0));
        }
        assertThat(log.size()).isEqualTo(1);
        assertThat(problems).isEmpty();
    }

    @Test
    void batchesAreWrittenAsTheyFillNotAllAtTheEnd() {
        InMemoryChatLog log = new InMemoryChatLog();
        try (RecordImport im = new RecordImport(log, UnaryOperator.identity(), (n, p) -> problems.add(n + ": " + p))) {
            for (int i = 1; i <= RecordImport.BATCH + 1; i++) {
                im.accept(line(i, "r" + i));
            }

            assertThat(log.size()).isEqualTo(RecordImport.BATCH);
            im.flush();
            assertThat(log.size()).isEqualTo(RecordImport.BATCH + 1);
        }
    }
}
