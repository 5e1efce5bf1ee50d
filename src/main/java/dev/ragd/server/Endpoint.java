package dev.ragd.server;

import java.util.Map;
import java.util.function.Supplier;

/**
 * An extra read-only {@code GET} endpoint (the metrics scrape, the status page and its data),
 * served before the page's files. The body is made on a worker thread: it may take a while.
 *
 * @param path        the exact path, e.g. {@code /metrics}
 * @param contentType the response's content type
 * @param body        makes the body on each request; thread-safe
 * @param headers     further response headers (e.g. a Content-Security-Policy); may be empty
 */
public record Endpoint(String path, String contentType, Supplier<String> body, Map<String, String> headers) {

    public Endpoint {
        headers = Map.copyOf(headers);
    }

    /** An endpoint with no further headers. */
    public Endpoint(String path, String contentType, Supplier<String> body) {
        this(path, contentType, body, Map.of());
    }
}
