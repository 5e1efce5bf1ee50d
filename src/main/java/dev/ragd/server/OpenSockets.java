package dev.ragd.server;

import io.vertx.core.http.ServerWebSocket;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** Counts open WebSockets by protocol for the whole server; safe from any event loop. */
final class OpenSockets {

    private final Map<String, AtomicInteger> open = new ConcurrentHashMap<>();

    /** Counts {@code ws} until it closes. Call before any other close handler is set: Vert.x keeps one. */
    void opened(String protocol, ServerWebSocket ws) {
        AtomicInteger n = open.computeIfAbsent(protocol, p -> new AtomicInteger());
        n.incrementAndGet();
        ws.endHandler(v -> n.decrementAndGet());
    }

    int open(String protocol) {
        AtomicInteger n = open.get(protocol);
        return n == null ? 0 : n.get();
    }
}
