package dev.ragd.mock;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Request-level helpers of the simulator: credentials, recording, port choice. */
final class Requests {

    private Requests() {}

    /**
     * The 401/400 an upstream would answer for missing or (when {@code requiredKey} is set) wrong
     * credentials or a missing api-version, or null.
     */
    static ApiError authorize(HttpServerRequest request, boolean azure, String requiredKey) {
        String bearer = request.getHeader("authorization");
        boolean hasBearer = bearer != null && bearer.matches("(?i)bearer\\s+\\S.*");
        String presented = hasBearer ? bearer.strip().substring("bearer".length()).strip() : null;
        if (azure) {
            String key = request.getHeader("api-key");
            if ((key == null || key.isBlank()) && !hasBearer) {
                return ApiError.missingKey(true);
            }
            if (requiredKey != null && !requiredKey.equals(key) && !requiredKey.equals(presented)) {
                return ApiError.wrongKey(true, null);
            }
            String version = request.getParam("api-version");
            return version == null || version.isBlank() ? ApiError.missingApiVersion() : null;
        }
        if (!hasBearer) {
            return ApiError.missingKey(false);
        }
        return requiredKey == null || requiredKey.equals(presented) ? null : ApiError.wrongKey(false, presented);
    }

    static RecordedRequest record(RoutingContext ctx) {
        Map<String, List<String>> headers = new HashMap<>();
        ctx.request().headers().forEach(e -> headers.computeIfAbsent(e.getKey().toLowerCase(Locale.ROOT),
                k -> new ArrayList<>()).add(e.getValue()));
        String body = ctx.body() == null || ctx.body().buffer() == null ? "" : ctx.body().asString();
        return new RecordedRequest(ctx.request().method().name(), ctx.request().uri(), headers, body);
    }

    /**
     * A port free now. Vert.x shares a port among servers only when they ask for the same explicit
     * port, so several listeners cannot all ask for port 0; a rare race with another process is possible.
     */
    static int freePort(String host) throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(host))) {
            return socket.getLocalPort();
        }
    }
}
