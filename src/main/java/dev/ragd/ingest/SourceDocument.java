package dev.ragd.ingest;

import java.util.Objects;

/**
 * A document to ingest, before chunking.
 *
 * @param id      stable id: relative path for files, the id column for records
 * @param title   title shown to users (the id when there is none)
 * @param text    plain text to chunk and index
 * @param url     source link or {@code null}
 * @param deleted true when the record says it is deleted: its chunks are removed
 */
public record SourceDocument(String id, String title, String text, String url, boolean deleted) {
    public SourceDocument {
        Objects.requireNonNull(id, "id");
        if (id.isBlank()) {
            throw new IllegalArgumentException("document id is blank");
        }
        title = title == null || title.isBlank() ? id : title.strip();
        text = text == null ? "" : text;
    }

    public static SourceDocument of(String id, String title, String text) {
        return new SourceDocument(id, title, text, null, false);
    }
}
