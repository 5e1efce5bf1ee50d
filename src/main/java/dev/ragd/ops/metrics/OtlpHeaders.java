package dev.ragd.ops.metrics;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** The {@code key=value,key2=value2} lists of {@code OTEL_EXPORTER_OTLP_HEADERS} and {@code OTEL_RESOURCE_ATTRIBUTES}. */
final class OtlpHeaders {

    private OtlpHeaders() {}

    /** The pairs of {@code list} (values URL-decoded, as the spec says); entries without {@code =} are skipped. */
    static Map<String, String> parse(String list) {
        Map<String, String> m = new LinkedHashMap<>();
        if (list == null || list.isBlank()) {
            return m;
        }
        for (String part : list.split(",")) {
            int eq = part.indexOf('=');
            if (eq > 0) {
                m.put(part.substring(0, eq).strip(),
                        URLDecoder.decode(part.substring(eq + 1).strip(), StandardCharsets.UTF_8));
            }
        }
        return m;
    }
}
