package dev.ragd.ingest;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Consumer;

/**
 * The sample corpus bundled in the jar ({@code /sample-corpus/}): the Products, Inc. catalogue
 * (CSV) and its help pages (Markdown). Read from the classpath, so it works inside the fat jar.
 */
public final class SampleCorpus {

    private static final String ROOT = "/sample-corpus/";

    /** How the catalogue's columns are used. */
    public static final RecordOptions CATALOGUE = new RecordOptions("id", "name", List.of("description"),
            List.of("category", "price_usd", "colour", "material", "warranty", "weight_kg", "size"),
            "discontinued", null);

    private SampleCorpus() {}

    /** File names of the corpus, from its {@code index.txt}. */
    public static List<String> files() {
        try (InputStream in = open("index.txt")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
                    .map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Passes every document of the corpus to {@code sink}; help pages get their file name as id. */
    public static void load(Consumer<SourceDocument> sink) {
        for (String file : files()) {
            Format format = Format.ofFileName(file)
                    .orElseThrow(() -> new IllegalStateException("sample corpus file of unknown format: " + file));
            try (InputStream in = open(file)) {
                Loaders.load(in, file, file, format, CATALOGUE, sink);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read sample corpus file " + file, e);
            }
        }
    }

    private static InputStream open(String file) {
        InputStream in = SampleCorpus.class.getResourceAsStream(ROOT + file);
        if (in == null) {
            throw new IllegalStateException("sample corpus resource missing: " + ROOT + file);
        }
        return in;
    }
}
