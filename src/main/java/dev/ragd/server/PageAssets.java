package dev.ragd.server;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The chat page's three files, read from the classpath into memory once and served from there, to
 * {@code GET} and to {@code HEAD} (the same status and headers, no body).
 * Vert.x's StaticHandler would copy classpath files into a cache directory on disk on first use;
 * a stateless replica (read-only image, {@code RAGD_STATELESS=true}) must not write anything.
 */
final class PageAssets implements Handler<RoutingContext> {

    private record Asset(Buffer body, String contentType) {}

    private final Map<String, Asset> assets;

    private PageAssets(Map<String, Asset> assets) {
        this.assets = assets;
    }

    static PageAssets load() {
        Asset index = read("webroot/index.html", "text/html; charset=utf-8");
        return new PageAssets(Map.of(
                "/", index,
                "/index.html", index,
                "/app.js", read("webroot/app.js", "text/javascript; charset=utf-8"),
                "/feedback.js", read("webroot/feedback.js", "text/javascript; charset=utf-8"),
                "/conversations.js", read("webroot/conversations.js", "text/javascript; charset=utf-8"),
                "/style.css", read("webroot/style.css", "text/css; charset=utf-8")));
    }

    private static Asset read(String resource, String contentType) {
        try (InputStream in = PageAssets.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing classpath resource " + resource);
            }
            return new Asset(Buffer.buffer(in.readAllBytes()), contentType);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void handle(RoutingContext ctx) {
        Asset a = assets.get(ctx.normalizedPath());
        if (a == null) {
            ctx.next();
            return;
        }
        ctx.response().putHeader("content-type", a.contentType())
                .putHeader("cache-control", "no-cache")
                .putHeader("content-security-policy",
                        "default-src 'self'; connect-src 'self'; img-src 'self' data:; frame-ancestors 'none'")
                .putHeader("x-content-type-options", "nosniff")
                .putHeader("referrer-policy", "no-referrer"); // a chat page has no reason to tell other sites where it was
        end(ctx, a.body());
    }

    /**
     * Ends the response with {@code body}, or for a {@code HEAD} request with the headers a
     * {@code GET} gets (its content-length) and no body.
     */
    static void end(RoutingContext ctx, Buffer body) {
        // Vert.x leaves content-length out of a HEAD response; set here, both methods carry it.
        ctx.response().putHeader(HttpHeaders.CONTENT_LENGTH, Integer.toString(body.length()));
        if (ctx.request().method() == HttpMethod.HEAD) {
            ctx.response().end();
        } else {
            ctx.response().end(body);
        }
    }
}
