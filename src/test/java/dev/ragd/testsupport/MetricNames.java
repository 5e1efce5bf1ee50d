package dev.ragd.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** The metric-name contract in {@code deploy/observability/metric-names.txt}: Prometheus name to type. */
public final class MetricNames {

    public static final Path FILE = Path.of("deploy/observability/metric-names.txt");

    private MetricNames() {}

    public static Map<String, String> listed() {
        Map<String, String> names = new LinkedHashMap<>();
        try {
            for (String line : Files.readAllLines(FILE)) {
                String l = line.strip();
                if (l.isEmpty() || l.startsWith("#")) {
                    continue;
                }
                String[] parts = l.split("\\s+");
                names.put(parts[0], parts.length > 1 ? parts[1] : "");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return names;
    }

    /** The listed name a served sample belongs to ({@code x_bucket} → {@code x}), or the sample name itself. */
    public static String family(String sample, Map<String, String> listed) {
        if (listed.containsKey(sample)) {
            return sample;
        }
        for (String suffix : new String[] {"_bucket", "_count", "_sum", "_max"}) {
            if (sample.endsWith(suffix)) {
                String base = sample.substring(0, sample.length() - suffix.length());
                if (listed.containsKey(base)) {
                    return base;
                }
            }
        }
        return sample;
    }
}
