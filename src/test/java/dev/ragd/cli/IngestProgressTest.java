package dev.ragd.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class IngestProgressTest {

    private final AtomicLong nanos = new AtomicLong(0);
    private final StringWriter err = new StringWriter();

    private IngestProgress progress(boolean terminal, int files) {
        return new IngestProgress(new PrintWriter(err, true), terminal, files, nanos::get);
    }

    @Test
    void showsFilesDocumentsChunksAndTheirRate() {
        IngestProgress p = progress(true, 4);
        nanos.set(2_000_000_000L);
        p.fileDone(10, 30);

        assertThat(p.line()).isEqualTo("[#######                       ] 1/4 files, 10 documents, 30 chunks, 15.0 chunks/s");
        assertThat(err.toString()).startsWith("\r[#######").contains("15.0 chunks/s");
    }

    @Test
    void showsAWaitForTheEmbeddingServiceUntilItIsOver() {
        IngestProgress p = progress(true, 1);
        p.waiting(7_000, "429 rate limited (Retry-After 7 s)");
        nanos.addAndGet(2_500_000_000L);

        assertThat(p.line()).endsWith(", waiting 5 s: 429 rate limited (Retry-After 7 s)");
        nanos.addAndGet(5_000_000_000L);
        assertThat(p.line()).doesNotContain("waiting");
    }

    @Test
    void redrawsAfterADocumentOnlyWhenTheLastDrawingIsOldEnough() {
        IngestProgress p = progress(true, 1);
        p.tick(1, 1);
        int drawn = err.toString().length();
        nanos.addAndGet(IngestProgress.REDRAW_NANOS / 2);
        p.tick(2, 2);
        assertThat(err.toString()).hasSize(drawn);
        nanos.addAndGet(IngestProgress.REDRAW_NANOS);
        p.tick(3, 3);
        assertThat(err.toString().length()).isGreaterThan(drawn);
    }

    @Test
    void drawsNothingWhenNotOnATerminal() {
        IngestProgress p = progress(false, 2);
        p.tick(1, 1);
        p.fileDone(1, 1);
        p.waiting(1_000, "429");
        p.done();

        assertThat(err.toString()).isEmpty();
    }
}
