package dev.ragd.chat;

import dev.ragd.auth.Identity;
import dev.ragd.observe.TraceParent;

/**
 * Where a request came in, and from whom.
 *
 * @param protocol {@code ws_book}, {@code ws_native}, {@code http}, or {@code internal} (tests, tools)
 * @param parent   the caller's W3C trace context (from {@code traceparent}), or {@code null}
 * @param identity who the credential proved the caller to be ({@link Identity#authenticated()}), or
 *                 an anonymous caller; {@code null} for internal requests
 */
public record RequestOrigin(String protocol, TraceParent parent, Identity identity) {

    public static final String WS_BOOK = "ws_book";
    public static final String WS_NATIVE = "ws_native";
    public static final String HTTP = "http";
    public static final RequestOrigin INTERNAL = new RequestOrigin("internal", null, null);

    /** An anonymous request (no identity known). */
    public RequestOrigin(String protocol, TraceParent parent) {
        this(protocol, parent, null);
    }
}
