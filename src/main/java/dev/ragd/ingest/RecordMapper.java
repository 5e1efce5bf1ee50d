package dev.ragd.ingest;

import dev.ragd.retrieval.Access;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Turns one structured record (a CSV row or a JSONL object) into a {@link SourceDocument}.
 * Metadata columns become searchable lines such as {@code Author: Jane Doe}; a value holding a JSON
 * object is flattened into one line per leaf, nested keys joined with a space.
 */
final class RecordMapper {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> TRUTHY = Set.of("true", "1", "yes", "y", "on", "deleted");

    private final RecordOptions options;
    private final String source;

    RecordMapper(RecordOptions options, String source) {
        this.options = options;
        this.source = source;
    }

    /** Checks that every column the options name is among {@code columns}. */
    void checkColumns(Collection<String> columns, String where) {
        List<String> named = new ArrayList<>();
        named.add(options.idColumn());
        if (options.titleColumn() != null) {
            named.add(options.titleColumn());
        }
        named.addAll(options.textColumns());
        named.addAll(options.metadataColumns());
        if (options.deletedColumn() != null) {
            named.add(options.deletedColumn());
        }
        if (options.urlColumn() != null) {
            named.add(options.urlColumn());
        }
        for (String c : named) {
            if (!columns.contains(c)) {
                String hint = c.equals(options.idColumn()) ? "; name the id column with --id-column" : "";
                throw new IngestException(where + ": no column '" + c + "' (columns: "
                        + String.join(", ", columns) + ")" + hint);
            }
        }
    }

    SourceDocument map(Map<String, JsonNode> row, String where) {
        String id = scalar(row.get(options.idColumn()));
        if (id.isBlank()) {
            throw new IngestException(source + " " + where + ": empty id in column '" + options.idColumn() + "'");
        }
        String titleCol = options.titleColumn() != null ? options.titleColumn()
                : row.containsKey("title") ? "title" : row.containsKey("name") ? "name" : null;
        String urlCol = options.urlColumn() != null ? options.urlColumn() : row.containsKey("url") ? "url" : null;
        String deletedCol = options.deletedColumn();
        boolean deleted = deletedCol != null
                && TRUTHY.contains(scalar(row.get(deletedCol)).strip().toLowerCase(Locale.ROOT));

        List<String> textCols = options.textColumns();
        List<String> metaCols = options.metadataColumns();
        if (textCols.isEmpty() && metaCols.isEmpty()) {
            metaCols = row.keySet().stream()
                    .filter(c -> !c.equals(options.idColumn()) && !c.equals(titleCol) && !c.equals(urlCol)
                            && !c.equals(deletedCol) && !ACCESS_COLUMNS.contains(c))
                    .toList();
        }
        List<String> parts = new ArrayList<>();
        for (String c : textCols) {
            JsonNode v = parse(row.get(c));
            String t = v != null && v.isContainerNode() ? String.join("\n", lines(readable(c), v)) : scalar(v);
            if (!t.isBlank()) {
                parts.add(t.strip());
            }
        }
        List<String> meta = new ArrayList<>();
        for (String c : metaCols) {
            meta.addAll(lines(readable(c), parse(row.get(c))));
        }
        if (!meta.isEmpty()) {
            parts.add(String.join("\n", meta));
        }
        String title = titleCol == null ? null : scalar(row.get(titleCol));
        String url = urlCol == null ? null : scalar(row.get(urlCol));
        return new SourceDocument(id.strip(), title, String.join("\n\n", parts), url == null || url.isBlank() ? null : url,
                deleted, accessList(row, Access.ALLOWED_USERS, id, where), accessList(row, Access.ALLOWED_GROUPS, id, where));
    }

    /** Columns that say who may read a record: kept out of its text, stored as its access lists. */
    static final Set<String> ACCESS_COLUMNS = Set.of(Access.ALLOWED_USERS, Access.ALLOWED_GROUPS);

    /** An access list: a JSON array of strings or a comma-separated string; blanks dropped; bounded. */
    private List<String> accessList(Map<String, JsonNode> row, String column, String id, String where) {
        JsonNode v = parse(row.get(column));
        List<String> out = new ArrayList<>();
        if (v == null || v.isNull() || v.isMissingNode()) {
            return out;
        }
        List<String> raw = new ArrayList<>();
        if (v.isArray()) {
            v.forEach(e -> raw.add(e.isValueNode() ? e.asText() : ""));
        } else {
            raw.addAll(List.of(scalar(v).split(",")));
        }
        for (String e : raw) {
            String s = e.strip();
            if (s.isEmpty()) {
                continue;
            }
            if (s.length() > Access.MAX_ENTRY_CHARS || out.size() >= Access.MAX_ENTRIES) {
                throw new IngestException(source + " " + where + ": document '" + id.strip() + "' has an " + column
                        + " list over " + Access.MAX_ENTRIES + " entries of " + Access.MAX_ENTRY_CHARS + " characters");
            }
            out.add(s);
        }
        return out;
    }

    /** {@code label: value} lines for a value; objects flatten with nested labels, arrays join. */
    static List<String> lines(String label, JsonNode value) {
        List<String> out = new ArrayList<>();
        if (value == null || value.isNull() || value.isMissingNode()) {
            return out;
        }
        if (value.isObject()) {
            value.properties().forEach(e -> out.addAll(lines(label + " " + readable(e.getKey()).toLowerCase(Locale.ROOT),
                    parse(e.getValue()))));
        } else if (value.isArray()) {
            List<String> items = new ArrayList<>();
            boolean scalars = true;
            for (JsonNode item : value) {
                if (item.isContainerNode()) {
                    scalars = false;
                    out.addAll(lines(label, item));
                } else if (!scalar(item).isBlank()) {
                    items.add(scalar(item));
                }
            }
            if (scalars && !items.isEmpty()) {
                out.add(label + ": " + String.join(", ", items));
            } else if (!items.isEmpty()) {
                out.add(label + ": " + String.join(", ", items));
            }
        } else {
            String s = scalar(value).strip();
            if (!s.isEmpty()) {
                out.add(label + ": " + s);
            }
        }
        return out;
    }

    /** {@code price_usd} -> {@code Price usd}, {@code releaseDate} -> {@code Release date}. */
    static String readable(String column) {
        String spaced = column.strip()
                .replaceAll("([a-z0-9])([A-Z])", "$1 $2")
                .replaceAll("[_\\-.]+", " ")
                .replaceAll("\\s+", " ")
                .toLowerCase(Locale.ROOT);
        return spaced.isEmpty() ? column : Character.toUpperCase(spaced.charAt(0)) + spaced.substring(1);
    }

    /** A text value that holds a JSON object or array, parsed; any other value unchanged. */
    private static JsonNode parse(JsonNode v) {
        if (v != null && v.isTextual()) {
            String s = v.asText().strip();
            if (s.startsWith("{") && s.endsWith("}") || s.startsWith("[") && s.endsWith("]")) {
                try {
                    return JSON.readTree(s);
                } catch (Exception notJson) {
                    return v;
                }
            }
        }
        return v;
    }

    private static String scalar(JsonNode v) {
        if (v == null || v.isNull() || v.isMissingNode()) {
            return "";
        }
        return v.isValueNode() ? v.asText() : v.toString();
    }

    static JsonNode text(String s) {
        return s == null ? null : TextNode.valueOf(s);
    }
}
