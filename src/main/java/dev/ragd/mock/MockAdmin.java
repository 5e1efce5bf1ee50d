package dev.ragd.mock;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Arrays;
import java.util.Locale;

/**
 * The simulator's own routes, beside the API it simulates: {@code GET /mock/stats} (the counters),
 * {@code GET /mock/last-request/{route}} (replay what a client sent) and {@code POST /mock/reset}.
 */
final class MockAdmin {

    private static final String JSON = "application/json";

    private MockAdmin() {}

    static void install(Router router, MockLlmServer server) {
        router.get("/mock/stats").handler(ctx -> ctx.response().putHeader("content-type", JSON)
                .end(server.stats().toJson().encode()));
        router.get("/mock/last-request/:route").handler(ctx -> lastRequest(ctx, server));
        router.post("/mock/reset").handler(ctx -> {
            server.reset();
            ctx.response().setStatusCode(204).end();
        });
    }

    /**
     * {@code GET /mock/last-request/chat} (or {@code azure_chat}, {@code embeddings}, ...): the last
     * request of that route as JSON {@code {method, uri, body}}, headers left out (they carry keys);
     * 404 before there is one. Lets a load test replay exactly what a client sent upstream.
     */
    private static void lastRequest(RoutingContext ctx, MockLlmServer server) {
        String name = ctx.pathParam("route");
        MockRoute route;
        try {
            route = MockRoute.valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            notFound(ctx, "no route " + name + "; one of " + Arrays.toString(MockRoute.values()).toLowerCase(Locale.ROOT));
            return;
        }
        server.lastRequest(route).ifPresentOrElse(r -> ctx.response().putHeader("content-type", JSON)
                .end(new JsonObject().put("method", r.method()).put("uri", r.uri()).put("body", r.body()).encode()),
                () -> notFound(ctx, "no " + name + " request yet"));
    }

    private static void notFound(RoutingContext ctx, String message) {
        ctx.response().setStatusCode(404).putHeader("content-type", JSON).end(new JsonObject().put("error", message).encode());
    }
}
