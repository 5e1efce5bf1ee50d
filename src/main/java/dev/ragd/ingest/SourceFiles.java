package dev.ragd.ingest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The files named on a command line: folders recurse; each file gets a stable id and a format. */
public final class SourceFiles {

    /**
     * One file to ingest.
     *
     * @param path   the file
     * @param id     path relative to the folder given (with {@code /}), or the file name
     * @param format its format
     */
    public record SourceFile(Path path, String id, Format format) {}

    private SourceFiles() {}

    /**
     * Lists the files under {@code paths}. In folders, files of unknown format are passed over
     * unless {@code forced} is given.
     *
     * @throws IngestException when a path does not exist, or a named file's format is unknown
     */
    public static List<SourceFile> list(List<Path> paths, Format forced) {
        List<SourceFile> out = new ArrayList<>();
        for (Path p : paths) {
            if (Files.isDirectory(p)) {
                try (Stream<Path> walk = Files.walk(p)) {
                    for (Path f : walk.filter(Files::isRegularFile).sorted().toList()) {
                        Format fmt = forced != null ? forced : Format.ofFileName(f.getFileName().toString()).orElse(null);
                        if (fmt != null && !f.getFileName().toString().startsWith(".")) {
                            out.add(new SourceFile(f, p.relativize(f).toString().replace('\\', '/'), fmt));
                        }
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot list " + p + ": " + e.getMessage(), e);
                }
            } else if (Files.isRegularFile(p)) {
                String name = p.getFileName().toString();
                Format fmt = forced != null ? forced : Format.ofFileName(name).orElseThrow(() -> new IngestException(
                        "cannot tell the format of " + p + " from its extension; give --format (" + Format.names() + ")"));
                out.add(new SourceFile(p, name, fmt));
            } else {
                throw new IngestException("no such file or folder: " + p);
            }
        }
        return out;
    }
}
