package dev.ragd.ingest;

import java.time.Duration;
import java.util.Locale;

/**
 * What an ingestion did.
 *
 * @param documents documents (re)indexed
 * @param chunks    chunks written for them
 * @param skipped   documents unchanged since the last ingestion (or empty)
 * @param removed   documents marked deleted that the index held
 * @param elapsed   wall time
 */
public record IngestStats(int documents, int chunks, int skipped, int removed, Duration elapsed) {

    /** {@code documents=3 chunks=7 skipped=0 removed=1 seconds=1.25} */
    public String summary() {
        return String.format(Locale.ROOT, "documents=%d chunks=%d skipped=%d removed=%d seconds=%.2f",
                documents, chunks, skipped, removed, elapsed.toMillis() / 1000.0);
    }
}
