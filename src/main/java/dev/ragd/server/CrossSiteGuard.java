package dev.ragd.server;

import dev.ragd.chat.ChatError;
import dev.ragd.chat.ErrorCodes;
import dev.ragd.config.EdgeConfig;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpMethod;
import java.util.Locale;

/**
 * Keeps other web sites' pages out: a page on any site a user visits could otherwise open a
 * WebSocket to ragd (browsers do not apply the same-origin policy to WebSockets) or POST a question
 * in any {@code user_email}, including to an instance on the user's own machine or intranet.
 *
 * <p>Rules, checked before any route: the {@code Host} header must name one of
 * {@code RAGD_ALLOWED_HOSTS} when that is set (421 otherwise; against DNS rebinding, where a hostile
 * name resolves to ragd's address); a WebSocket upgrade or a POST that carries an {@code Origin}
 * must come from the request's own host or one of {@code RAGD_ALLOWED_ORIGINS} (403); a POST
 * without {@code Origin} that a browser marks {@code Sec-Fetch-Site: cross-site} is refused too;
 * {@code POST /v1/chat} must be {@code Content-Type: application/json} (415): the content types a
 * cross-site HTML form can send without asking first ({@code text/plain}, form encodings) are
 * exactly the ones refused. Requests without {@code Origin} (curl, SDKs, the book's Python client)
 * pass. {@code /healthz}, {@code /readyz} and {@code /metrics} are exempt from the host check: probes and scrapers name the pod's
 * address.
 */
final class CrossSiteGuard implements AdmissionCheck {

    private final EdgeConfig edge;

    CrossSiteGuard(EdgeConfig edge) {
        this.edge = edge;
    }

    @Override
    public ChatError refusal(AdmissionRequest request) {
        String path = request.path();
        MultiMap headers = request.headers();
        boolean probe = path.equals("/healthz") || path.equals("/readyz") || path.equals("/metrics");
        ChatError refusal = probe ? null : hostProblem(headers.get("host"));
        // A resume takes the answer's stream from whoever reads it, and conversations are read and
        // deleted by GET and DELETE: another site's page must do neither.
        if (refusal == null && (request.upgrade() || ResumeRoute.matches(path) || ConversationRoutes.matches(path))) {
            refusal = originProblem(headers);
        } else if (refusal == null && request.method() == HttpMethod.POST) {
            refusal = originProblem(headers);
            boolean jsonBody = path.equals(HttpVerticle.NATIVE_PATH) || path.equals(FeedbackRoute.PATH);
            if (refusal == null && jsonBody && !isJson(headers.get("content-type"))) {
                refusal = ChatError.of(ErrorCodes.UNSUPPORTED_MEDIA_TYPE, "POST " + path + " needs Content-Type: "
                        + "application/json, not " + describe(headers.get("content-type")), false);
            }
        }
        return refusal;
    }

    ChatError hostProblem(String hostHeader) {
        if (edge.allowedHosts().isEmpty()) {
            return null;
        }
        String name = hostName(hostHeader);
        if (name != null && edge.allowedHosts().contains(name)) {
            return null;
        }
        return ChatError.of(ErrorCodes.HOST_NOT_ALLOWED, "this server does not answer for host "
                + describe(hostHeader) + " (RAGD_ALLOWED_HOSTS)", false);
    }

    ChatError originProblem(MultiMap headers) {
        String origin = headers.get("origin");
        if (origin == null) {
            String site = headers.get("sec-fetch-site");
            return "cross-site".equalsIgnoreCase(site)
                    ? ChatError.of(ErrorCodes.ORIGIN_NOT_ALLOWED, "cross-site requests are not allowed", false)
                    : null;
        }
        if (edge.anyOrigin()) {
            return null;
        }
        String normal = EdgeConfig.normalOrigin(origin);
        boolean allowed = normal != null
                && (sameOrigin(normal, headers.get("host")) || edge.allowedOrigins().contains(normal));
        return allowed ? null : ChatError.of(ErrorCodes.ORIGIN_NOT_ALLOWED, "requests from pages at "
                + describe(origin) + " are not allowed (RAGD_ALLOWED_ORIGINS)", false);
    }

    /**
     * Whether the origin names the host the request was sent to. The scheme is not compared: behind
     * a TLS-terminating proxy the page is {@code https} while ragd sees plain HTTP with the same Host.
     */
    static boolean sameOrigin(String normalOrigin, String hostHeader) {
        if (hostHeader == null) {
            return false;
        }
        String authority = normalOrigin.substring(normalOrigin.indexOf("://") + 3);
        String host = hostHeader.strip().toLowerCase(Locale.ROOT);
        if (host.endsWith(":80") && normalOrigin.startsWith("http://")
                || host.endsWith(":443") && normalOrigin.startsWith("https://")) {
            host = host.substring(0, host.lastIndexOf(':'));
        }
        return authority.equals(host);
    }

    /** The host part of a Host header, lower case, without the port; {@code null} when unreadable. */
    static String hostName(String hostHeader) {
        if (hostHeader == null || hostHeader.isBlank()) {
            return null;
        }
        String h = hostHeader.strip().toLowerCase(Locale.ROOT);
        if (h.startsWith("[")) {
            int end = h.indexOf(']');
            return end < 0 ? null : h.substring(0, end + 1);
        }
        int colon = h.indexOf(':');
        return colon < 0 ? h : h.substring(0, colon);
    }

    static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        int semi = contentType.indexOf(';');
        String type = (semi < 0 ? contentType : contentType.substring(0, semi)).strip().toLowerCase(Locale.ROOT);
        return type.equals("application/json");
    }

    /** A client-sent value in a message: quoted, cut short, or "none". */
    private static String describe(String value) {
        if (value == null) {
            return "none";
        }
        String v = value.length() > 80 ? value.substring(0, 80) + "…" : value;
        return "'" + v + "'";
    }
}
