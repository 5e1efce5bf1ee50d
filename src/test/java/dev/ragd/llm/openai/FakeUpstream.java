package dev.ragd.llm.openai;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A protocol-faithful OpenAI-compatible upstream for tests: real HTTP on loopback, real SSE
 * ({@code data: {chat.completion.chunk}\n\n ... data: [DONE]\n\n}), programmable per request, recording
 * every request and counting connections opened and closed.
 */
final class FakeUpstream implements AutoCloseable {

    /** What one request sees: a behaviour writes the response (or not). */
    interface Behaviour {
        void respond(HttpServerRequest request, HttpServerResponse response, FakeUpstream upstream);
    }

    record Seen(long atMs, String method, String uri, String path, MultiMap headers, String body) {}

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    private final HttpServer server;
    private final Deque<Behaviour> script = new ArrayDeque<>();
    private Behaviour fallback;
    final List<Seen> requests = new CopyOnWriteArrayList<>();
    final AtomicInteger connectionsOpened = new AtomicInteger();
    final AtomicInteger connectionsClosed = new AtomicInteger();
    final AtomicInteger streamsClosedEarly = new AtomicInteger();

    FakeUpstream(Behaviour fallback) throws Exception {
        this(fallback, new HttpServerOptions());
    }

    /** @param options e.g. with TLS ({@code setSsl(true).setKeyCertOptions(...)}) */
    FakeUpstream(Behaviour fallback, HttpServerOptions options) throws Exception {
        this.fallback = fallback;
        server = vertx.createHttpServer(options)
                .connectionHandler(c -> {
                    connectionsOpened.incrementAndGet();
                    c.closeHandler(v -> connectionsClosed.incrementAndGet());
                })
                .requestHandler(req -> req.body().onSuccess(body -> {
                    requests.add(new Seen(System.currentTimeMillis(), req.method().name(), req.uri(), req.path(),
                            MultiMap.caseInsensitiveMultiMap().addAll(req.headers()), body.toString()));
                    Behaviour b;
                    synchronized (this) {
                        b = script.isEmpty() ? this.fallback : script.poll();
                    }
                    b.respond(req, req.response(), this);
                }));
        server.listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
    }

    int port() {
        return server.actualPort();
    }

    String baseUrl() {
        return "http://127.0.0.1:" + port();
    }

    /** Behaviours for the next requests, in order; the fallback answers the rest. */
    synchronized FakeUpstream then(Behaviour... next) {
        script.addAll(List.of(next));
        return this;
    }

    synchronized void fallback(Behaviour b) {
        fallback = b;
    }

    Vertx vertx() {
        return vertx;
    }

    @Override
    public void close() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    // ---- behaviours

    static Behaviour status(int status, String body, String... headers) {
        return (req, res, up) -> {
            res.setStatusCode(status).putHeader("Content-Type", "application/json");
            for (int i = 0; i < headers.length; i += 2) {
                res.putHeader(headers[i], headers[i + 1]);
            }
            res.end(body);
        };
    }

    /** The SSE frames, each written {@code delayMs} after the previous; the response ends after the last. */
    static Behaviour frames(long delayMs, List<String> frames) {
        return frames(delayMs, frames, true);
    }

    static Behaviour frames(long delayMs, List<String> frames, boolean end) {
        return (req, res, up) -> {
            res.setStatusCode(200).setChunked(true).putHeader("Content-Type", "text/event-stream");
            res.closeHandler(v -> {
                if (!res.ended()) {
                    up.streamsClosedEarly.incrementAndGet();
                }
            });
            writeFrom(up, res, frames, 0, delayMs, end);
        };
    }

    private static void writeFrom(FakeUpstream up, HttpServerResponse res, List<String> frames, int i, long delayMs, boolean end) {
        if (res.closed()) {
            return;
        }
        if (i == frames.size()) {
            if (end) {
                res.end();
            }
            return;
        }
        res.write(frames.get(i));
        if (delayMs <= 0) {
            writeFrom(up, res, frames, i + 1, delayMs, end);
        } else {
            up.vertx.setTimer(delayMs, t -> writeFrom(up, res, frames, i + 1, delayMs, end));
        }
    }

    /** A normal answer: a role chunk, one chunk per token, a finish chunk, a usage chunk, [DONE]. */
    static Behaviour answer(long delayMs, String... tokens) {
        List<String> f = new ArrayList<>();
        f.add(data(chunk(null, null, true)));
        for (String t : tokens) {
            f.add(data(chunk(t, null, false)));
        }
        f.add(data(chunk(null, "stop", false)));
        f.add(data("{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"choices\":[],"
                + "\"usage\":{\"prompt_tokens\":42,\"completion_tokens\":" + tokens.length + ",\"total_tokens\":99}}"));
        f.add(done());
        return frames(delayMs, f);
    }

    /** Sends the tokens, then nothing more, holding the connection open. */
    static Behaviour stallAfter(String... tokens) {
        List<String> f = new ArrayList<>();
        for (String t : tokens) {
            f.add(data(chunk(t, null, false)));
        }
        return frames(0, f, false);
    }

    /** Accepts the request and never answers. */
    static Behaviour silent() {
        return (req, res, up) -> { };
    }

    static String chunk(String content, String finish, boolean role) {
        ObjectNode n = JSON.createObjectNode().put("id", "chatcmpl-1").put("object", "chat.completion.chunk")
                .put("created", 1_700_000_000).put("model", "gpt-test");
        ObjectNode choice = n.putArray("choices").addObject().put("index", 0);
        ObjectNode delta = choice.putObject("delta");
        if (role) {
            delta.put("role", "assistant").put("content", "");
        }
        if (content != null) {
            delta.put("content", content);
        }
        if (finish != null) {
            choice.put("finish_reason", finish);
        } else {
            choice.putNull("finish_reason");
        }
        return n.toString();
    }

    static String data(String json) {
        return "data: " + json + "\n\n";
    }

    static String done() {
        return "data: [DONE]\n\n";
    }
}
