package dev.ragd.mock;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The last request a route received, for tests. Header names are lower-cased. {@link #toString()}
 * hides credentials, so a recorded request can be printed; the accessors return them as sent.
 *
 * @param method  HTTP method
 * @param uri     path and query as sent
 * @param headers every header, lower-cased name to its values
 * @param body    the body as text
 */
public record RecordedRequest(String method, String uri, Map<String, List<String>> headers, String body) {

    public RecordedRequest {
        Map<String, List<String>> copy = new TreeMap<>();
        headers.forEach((k, v) -> copy.put(k.toLowerCase(Locale.ROOT), List.copyOf(v)));
        headers = Map.copyOf(copy);
    }

    /** The first value of a header (any case), or null. */
    public String header(String name) {
        List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    @Override
    public String toString() {
        Map<String, Object> shown = new TreeMap<>(headers);
        for (String secret : List.of("authorization", "api-key")) {
            if (shown.containsKey(secret)) {
                shown.put(secret, "<redacted>");
            }
        }
        return "RecordedRequest[" + method + " " + uri + ", headers=" + shown + ", body=" + body.length() + " chars]";
    }
}
