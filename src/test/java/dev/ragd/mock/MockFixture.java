package dev.ragd.mock;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/** A started simulator plus a real HTTP client against it; close after each test. */
final class MockFixture implements AutoCloseable {

    static final Map<String, String> BEARER = Map.of("authorization", "Bearer sk-test", "content-type", "application/json");

    final Vertx vertx = Vertx.vertx();
    final MockLlmServer server;
    private final HttpClientAgent client;

    MockFixture(MockLlmOptions options) throws Exception {
        this(options, System::currentTimeMillis);
    }

    /** A simulator whose per-minute quota reads {@code clockMs}. */
    MockFixture(MockLlmOptions options, LongSupplier clockMs) throws Exception {
        server = MockLlmServer.start(vertx, options.withHost("127.0.0.1").withPort(0), clockMs).await(10, TimeUnit.SECONDS);
        client = vertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(server.port()),
                new PoolOptions().setHttp1MaxSize(64));
    }

    record Reply(int status, MultiMap headers, String body) {
        JsonObject json() {
            return new JsonObject(body);
        }

        /** The {@code data:} payloads of a server-sent-event body, in order (a simple SSE line reader). */
        List<String> events() {
            List<String> out = new ArrayList<>();
            for (String line : body.split("\n", -1)) {
                if (line.startsWith("data: ")) {
                    out.add(line.substring("data: ".length()));
                } else if (!line.isEmpty()) {
                    throw new AssertionError("unexpected SSE line: " + line);
                }
            }
            return out;
        }

        /** The JSON chunks of a stream, without the final {@code [DONE]}. */
        List<JsonObject> chunks() {
            List<String> events = events();
            if (events.isEmpty() || !"[DONE]".equals(events.get(events.size() - 1))) {
                throw new AssertionError("stream does not end with data: [DONE]: " + events);
            }
            return events.subList(0, events.size() - 1).stream().map(JsonObject::new).toList();
        }
    }

    /** A response still being received: its bytes so far, and its connection to close. */
    static final class Open {
        final StringBuffer received = new StringBuffer();
        volatile int status;
        volatile boolean ended;
        volatile HttpConnection connection;

        void cancel() throws Exception {
            connection.close().await(10, TimeUnit.SECONDS);
        }
    }

    Reply post(String path, Map<String, String> headers, String body) throws Exception {
        return call(HttpMethod.POST, path, headers, body);
    }

    Reply get(String path, Map<String, String> headers) throws Exception {
        return call(HttpMethod.GET, path, headers, null);
    }

    private Reply call(HttpMethod method, String path, Map<String, String> headers, String body) throws Exception {
        return client.request(method, path).compose(req -> {
            headers.forEach(req::putHeader);
            return (body == null ? req.send() : req.send(body))
                    .compose(resp -> resp.body().map(b -> new Reply(resp.statusCode(), resp.headers(), b.toString())));
        }).await(20, TimeUnit.SECONDS);
    }

    /** Sends a request and returns once it is on its way; the response arrives into the returned {@link Open}. */
    Open open(String path, Map<String, String> headers, String body) throws Exception {
        Open open = new Open();
        client.request(HttpMethod.POST, path).map(req -> {
            headers.forEach(req::putHeader);
            open.connection = req.connection();
            req.send(body).onSuccess(resp -> {
                open.status = resp.statusCode();
                resp.handler((Buffer b) -> open.received.append(b.toString()));
                resp.endHandler(v -> open.ended = true);
            });
            return open;
        }).await(20, TimeUnit.SECONDS);
        return open;
    }

    static String chat(boolean stream, boolean includeUsage, String... userThenSystem) {
        JsonArray messages = new JsonArray();
        if (userThenSystem.length > 1) {
            messages.add(new JsonObject().put("role", "system").put("content", userThenSystem[1]));
        }
        messages.add(new JsonObject().put("role", "user").put("content", userThenSystem[0]));
        JsonObject body = new JsonObject().put("model", "gpt-4o-mini").put("messages", messages).put("stream", stream);
        if (includeUsage) {
            body.put("stream_options", new JsonObject().put("include_usage", true));
        }
        return body.encode();
    }

    static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 10 s");
            }
            Thread.sleep(5);
        }
    }

    @Override
    public void close() throws Exception {
        client.close().await(10, TimeUnit.SECONDS);
        server.close().await(10, TimeUnit.SECONDS);
        vertx.close().await(10, TimeUnit.SECONDS);
    }
}
