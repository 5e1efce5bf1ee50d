package dev.ragd.server;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The chat page's three files, read from the classpath into memory once and served from there.
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
                .end(a.body());
    }
}
