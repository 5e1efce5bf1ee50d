package dev.ragd.cli;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * {@code ragd ingest}'s one-line progress bar on stderr, drawn only on a terminal: files done,
 * documents read, chunks stored and their rate, and, while a hosted embedding model makes ingestion
 * wait, how long and why. Redrawn at most every {@link #REDRAW_NANOS}, so a file of a million
 * records costs nothing to show. Thread-safe (waits are reported from embedding threads).
 */
final class IngestProgress {

    static final long REDRAW_NANOS = 200_000_000L;
    private static final int WIDTH = 30;

    private final PrintWriter err;
    private final boolean enabled;
    private final int files;
    private final LongSupplier nanos;
    private final long started;
    private int filesDone;
    private int documents;
    private int chunks;
    private long lastDrawn;
    private long waitUntil;
    private String waitReason = "";
    private boolean waited;
    private boolean drawn;

    IngestProgress(PrintWriter err, boolean enabled, int files) {
        this(err, enabled, files, System::nanoTime);
    }

    IngestProgress(PrintWriter err, boolean enabled, int files, LongSupplier nanos) {
        this.err = err;
        this.enabled = enabled;
        this.files = files;
        this.nanos = nanos;
        this.started = nanos.getAsLong();
        this.lastDrawn = started - REDRAW_NANOS; // the first document draws
    }

    /** After each document: redraws when the last drawing is old enough. */
    synchronized void tick(int documentsSeen, int chunksStored) {
        documents = documentsSeen;
        chunks = chunksStored;
        if (nanos.getAsLong() - lastDrawn >= REDRAW_NANOS) {
            draw();
        }
    }

    /** After each file (or the one query): always redraws. */
    synchronized void fileDone(int documentsSeen, int chunksStored) {
        filesDone++;
        documents = documentsSeen;
        chunks = chunksStored;
        draw();
    }

    /** A hosted model's refusal: ingestion waits {@code delayMs}. */
    synchronized void waiting(long delayMs, String reason) {
        long until = nanos.getAsLong() + delayMs * 1_000_000L;
        if (!waited || until - waitUntil > 0) { // the longest wait, and its reason, is what holds ingestion up
            waitUntil = until;
            waitReason = reason;
            waited = true;
        }
        draw();
    }

    /** The line as drawn now (without the carriage return). */
    synchronized String line() {
        long now = nanos.getAsLong();
        double seconds = Math.max(1e-9, (now - started) / 1e9);
        int filled = files == 0 ? WIDTH : Math.min(WIDTH, filesDone * WIDTH / files);
        StringBuilder sb = new StringBuilder()
                .append('[').append("#".repeat(filled)).append(" ".repeat(WIDTH - filled)).append("] ")
                .append(filesDone).append('/').append(files).append(" files, ")
                .append(documents).append(" documents, ").append(chunks).append(" chunks, ")
                .append(String.format(Locale.ROOT, "%.1f chunks/s", chunks / seconds));
        if (waited && waitUntil - now > 0) {
            sb.append(", waiting ").append((waitUntil - now + 999_999_999L) / 1_000_000_000L).append(" s: ").append(waitReason);
        }
        return sb.toString();
    }

    private void draw() {
        lastDrawn = nanos.getAsLong();
        if (!enabled) {
            return;
        }
        // pad over whatever a longer previous line left behind
        err.print("\r" + String.format(Locale.ROOT, "%-110s", line()));
        err.flush();
        drawn = true;
    }

    /** Ends the line, when one was drawn. */
    synchronized void done() {
        if (enabled && drawn) {
            err.println();
            err.flush();
        }
    }
}
