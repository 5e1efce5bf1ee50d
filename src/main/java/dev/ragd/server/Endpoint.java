package dev.ragd.server;

import java.util.function.Supplier;

/**
 * An extra read-only {@code GET} endpoint (the metrics scrape, the status page and its data),
 * served before the page's files. The body is made on a worker thread: it may take a while.
 *
 * @param path        the exact path, e.g. {@code /metrics}
 * @param contentType the response's content type
 * @param body        makes the body on each request; thread-safe
 */
public record Endpoint(String path, String contentType, Supplier<String> body) {}
