package dev.ragd.server;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpMethod;

/**
 * What an {@link AdmissionCheck} sees of a request: the same for a plain HTTP request and for a
 * WebSocket upgrade.
 *
 * @param upgrade whether it asks for a WebSocket
 */
record AdmissionRequest(HttpMethod method, String path, MultiMap headers, boolean upgrade) {}
