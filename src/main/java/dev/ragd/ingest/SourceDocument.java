package dev.ragd.ingest;

import java.util.List;
import java.util.Objects;

/**
 * A document to ingest, before chunking.
 *
 * @param id      stable id: relative path for files, the id column for records
 * @param title   title shown to users (the id when there is none)
 * @param text    plain text to chunk and index
 * @param url     source link or {@code null}
 * @param deleted true when the record says it is deleted: its chunks are removed
 * @param allowedUsers  who may see it ({@code allowed_users}; see {@link dev.ragd.retrieval.Access})
 * @param allowedGroups which groups may see it ({@code allowed_groups})
 */
public record SourceDocument(String id, String title, String text, String url, boolean deleted,
        List<String> allowedUsers, List<String> allowedGroups) {
    public SourceDocument {
        allowedUsers = allowedUsers == null ? List.of() : List.copyOf(allowedUsers);
        allowedGroups = allowedGroups == null ? List.of() : List.copyOf(allowedGroups);
        Objects.requireNonNull(id, "id");
        if (id.isBlank()) {
            throw new IllegalArgumentException("document id is blank");
        }
        title = title == null || title.isBlank() ? id : title.strip();
        text = text == null ? "" : text;
    }

    /** A document without access lists. */
    public SourceDocument(String id, String title, String text, String url, boolean deleted) {
        this(id, title, text, url, deleted, null, null);
    }

    public static SourceDocument of(String id, String title, String text) {
        return new SourceDocument(id, title, text, null, false);
    }
}
