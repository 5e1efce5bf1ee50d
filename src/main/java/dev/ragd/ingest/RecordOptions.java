package dev.ragd.ingest;

import java.util.List;

/**
 * How CSV and JSONL records become documents.
 *
 * @param idColumn        column holding the document id (required in every record)
 * @param titleColumn     column holding the title; {@code null}: {@code title} or {@code name} when present
 * @param textColumns     columns whose values form the text; empty: none when metadata columns are
 *                        given, else every other column becomes a metadata line
 * @param metadataColumns columns rendered as {@code Column name: value} lines
 * @param deletedColumn   column whose truthy value (true, 1, yes) marks a deleted record, or {@code null}
 * @param urlColumn       column holding a link, or {@code null}: {@code url} when present
 */
public record RecordOptions(String idColumn, String titleColumn, List<String> textColumns,
                            List<String> metadataColumns, String deletedColumn, String urlColumn) {

    public static final RecordOptions DEFAULTS = new RecordOptions("id", null, List.of(), List.of(), null, null);

    public RecordOptions {
        idColumn = idColumn == null || idColumn.isBlank() ? "id" : idColumn.strip();
        textColumns = textColumns == null ? List.of() : List.copyOf(textColumns);
        metadataColumns = metadataColumns == null ? List.of() : List.copyOf(metadataColumns);
    }
}
