package dev.ragd.ingest;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/** Input formats ragd can ingest. */
public enum Format {
    CSV(true, "csv"),
    JSONL(true, "jsonl", "ndjson"),
    MD(false, "md", "markdown"),
    TXT(false, "txt", "text"),
    HTML(false, "html", "htm"),
    PDF(false, "pdf");

    private final boolean records;
    private final String[] extensions;

    Format(boolean records, String... extensions) {
        this.records = records;
        this.extensions = extensions;
    }

    /** True for formats holding many records (CSV, JSONL), false for one document per file. */
    public boolean records() {
        return records;
    }

    /** The format a file name's extension stands for. */
    public static Optional<Format> ofFileName(String fileName) {
        int dot = fileName.lastIndexOf('.');
        if (dot < 0) {
            return Optional.empty();
        }
        String ext = fileName.substring(dot + 1).toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(f -> Arrays.asList(f.extensions).contains(ext)).findFirst();
    }

    /** The format named by a user ({@code csv}, {@code jsonl}, ...). */
    public static Format parse(String name) {
        for (Format f : values()) {
            if (f.name().equalsIgnoreCase(name.strip())) {
                return f;
            }
        }
        throw new IngestException("unknown format '" + name + "'; use one of " + names());
    }

    public static String names() {
        return Arrays.stream(values()).map(f -> f.name().toLowerCase(Locale.ROOT)).collect(Collectors.joining(", "));
    }
}
