package dev.ragd.chat;

import dev.ragd.observe.TraceParent;

/**
 * Where a request came in.
 *
 * @param protocol {@code ws_book}, {@code ws_native}, {@code http}, or {@code internal} (tests, tools)
 * @param parent   the caller's W3C trace context (from {@code traceparent}), or {@code null}
 */
public record RequestOrigin(String protocol, TraceParent parent) {

    public static final String WS_BOOK = "ws_book";
    public static final String WS_NATIVE = "ws_native";
    public static final String HTTP = "http";
    public static final RequestOrigin INTERNAL = new RequestOrigin("internal", null);
}
