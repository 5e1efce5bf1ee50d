package dev.ragd.testsupport;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A small server speaking the OpenAI protocol for tests, on an ephemeral port: non-streaming
 * {@code POST /v1/chat/completions} and {@code POST /v1/embeddings}, and the Azure routes
 * {@code POST /openai/deployments/{d}/chat/completions?api-version=} and {@code .../embeddings}.
 * Answers with the real JSON shapes; records every request; can answer with an error status or late.
 */
public final class OpenAiTestServer implements AutoCloseable {

    /** One request as received. */
    public record Received(String method, String path, String query, String authorization, String apiKey,
            JsonObject body) {}

    private final Vertx vertx;
    private final HttpServer server;
    public final List<Received> requests = new CopyOnWriteArrayList<>();
    private volatile String chatContent = "standalone query";
    private volatile int status = 200;
    private volatile long delayMs;

    private OpenAiTestServer(Vertx vertx) {
        this.vertx = vertx;
        this.server = vertx.createHttpServer().requestHandler(this::handle);
    }

    public static OpenAiTestServer start() {
        OpenAiTestServer s = new OpenAiTestServer(Vertx.vertx());
        s.server.listen(0, "127.0.0.1").await();
        return s;
    }

    public int port() {
        return server.actualPort();
    }

    /** {@code http://127.0.0.1:port} (append {@code /v1} for OpenAI's base URL). */
    public String url() {
        return "http://127.0.0.1:" + port();
    }

    public OpenAiTestServer answering(String content) {
        this.chatContent = content;
        return this;
    }

    public OpenAiTestServer failingWith(int httpStatus) {
        this.status = httpStatus;
        return this;
    }

    public OpenAiTestServer delaying(long ms) {
        this.delayMs = ms;
        return this;
    }

    private void handle(HttpServerRequest req) {
        req.body().onSuccess(buf -> {
            JsonObject body = buf.length() == 0 ? new JsonObject() : buf.toJsonObject();
            requests.add(new Received(req.method().name(), req.path(), req.query(), req.getHeader("Authorization"),
                    req.getHeader("api-key"), body));
            Runnable reply = () -> reply(req, body);
            if (delayMs > 0) {
                vertx.setTimer(delayMs, id -> reply.run());
            } else {
                reply.run();
            }
        });
    }

    private void reply(HttpServerRequest req, JsonObject body) {
        if (req.response().closed()) {
            return;
        }
        if (status != 200) {
            req.response().setStatusCode(status).putHeader("content-type", "application/json")
                    .end(new JsonObject().put("error", new JsonObject().put("message", "test failure")
                            .put("type", "server_error").put("code", status)).encode());
            return;
        }
        String path = req.path();
        JsonObject out;
        if (path.endsWith("/chat/completions")) {
            out = chat(body);
        } else if (path.endsWith("/embeddings")) {
            out = embeddings(body);
        } else {
            req.response().setStatusCode(404).end();
            return;
        }
        req.response().putHeader("content-type", "application/json").end(out.encode());
    }

    private JsonObject chat(JsonObject body) {
        return new JsonObject()
                .put("id", "chatcmpl-test").put("object", "chat.completion").put("created", 1_700_000_000L)
                .put("model", body.getString("model", "gpt-4o-mini"))
                .put("choices", new JsonArray().add(new JsonObject().put("index", 0)
                        .put("message", new JsonObject().put("role", "assistant").put("content", chatContent))
                        .put("finish_reason", "stop")))
                .put("usage", new JsonObject().put("prompt_tokens", 42).put("completion_tokens", 9)
                        .put("total_tokens", 51));
    }

    /** One vector per input; {@code dimensions} long (default 8); values derived from the text. */
    private JsonObject embeddings(JsonObject body) {
        Object input = body.getValue("input");
        JsonArray inputs = input instanceof JsonArray a ? a : new JsonArray().add(input);
        int dims = body.getInteger("dimensions", 8);
        JsonArray data = new JsonArray();
        for (int i = 0; i < inputs.size(); i++) {
            int h = String.valueOf(inputs.getValue(i)).hashCode();
            JsonArray v = new JsonArray();
            for (int d = 0; d < dims; d++) {
                v.add(((h >>> (d % 32)) & 0xff) / 255.0 + 0.01);
            }
            data.add(new JsonObject().put("object", "embedding").put("index", i).put("embedding", v));
        }
        return new JsonObject().put("object", "list").put("data", data)
                .put("model", body.getString("model", "text-embedding-3-small"))
                .put("usage", new JsonObject().put("prompt_tokens", 5).put("total_tokens", 5));
    }

    @Override
    public void close() {
        vertx.close().await();
    }
}
