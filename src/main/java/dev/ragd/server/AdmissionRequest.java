package dev.ragd.server;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpMethod;

/**
 * What an {@link AdmissionCheck} sees of a request: the same for a plain HTTP request and for a
 * WebSocket upgrade.
 *
 * @param query      the query string, or {@code null}
 * @param upgrade    whether it asks for a WebSocket
 * @param remoteHost the client's address (the anonymous caller's identity), or {@code null}
 */
record AdmissionRequest(HttpMethod method, String path, String query, MultiMap headers, boolean upgrade,
        String remoteHost) {

    /** A request without query or address (tests of the header checks). */
    AdmissionRequest(HttpMethod method, String path, MultiMap headers, boolean upgrade) {
        this(method, path, null, headers, upgrade, null);
    }
}
