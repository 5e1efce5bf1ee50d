package dev.ragd.ingest;

/** Input that cannot be ingested; the message names the file, line or option and the problem. */
public class IngestException extends RuntimeException {
    public IngestException(String message) {
        super(message);
    }

    public IngestException(String message, Throwable cause) {
        super(message, cause);
    }
}
