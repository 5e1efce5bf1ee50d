package dev.ragd.ops.loadtest.run;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * The repository files a rehearsal runs, packed into the jar by the build ({@code pom.xml}): the
 * locustfile, its default questions and the reference nginx configuration. They are copied into
 * the run's folder in their repository layout (the locustfile finds {@code ../bench/questions.jsonl}),
 * so {@code ragd loadtest} works from any folder and runs exactly the files of its own build.
 */
final class Bundled {

    static final String LOCUSTFILE = "loadtest/locustfile.py";
    static final String QUESTIONS = "bench/questions.jsonl";
    static final String NGINX = "deploy/nginx/ragd.conf";
    private static final List<String> FILES = List.of(LOCUSTFILE, QUESTIONS, NGINX);
    private static final String PREFIX = "dev/ragd/ops/loadtest/run/files/";

    private Bundled() {}

    /** Copies the files into {@code dir}; returns it. */
    static Path extract(Path dir) throws IOException {
        for (String f : FILES) {
            try (InputStream in = Bundled.class.getClassLoader().getResourceAsStream(PREFIX + f)) {
                if (in == null) {
                    throw new IOException(PREFIX + f + " is not on the classpath: rebuild ragd (./mvnw package)");
                }
                Path target = dir.resolve(f);
                Files.createDirectories(target.getParent());
                Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
            }
        }
        return dir;
    }
}
