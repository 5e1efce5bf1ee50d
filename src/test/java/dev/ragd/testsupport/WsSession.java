package dev.ragd.testsupport;

import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/** A real Vert.x WebSocket client connection that queues received text frames for a test thread. */
public final class WsSession implements AutoCloseable {

    public final WebSocketClient client;
    public final WebSocket ws;
    public final BlockingQueue<String> frames = new LinkedBlockingQueue<>();
    public final CompletableFuture<Short> closed = new CompletableFuture<>();
    public volatile Consumer<String> onFrame = f -> {};

    private WsSession(WebSocketClient client, WebSocket ws) {
        this.client = client;
        this.ws = ws;
        ws.textMessageHandler(f -> {
            onFrame.accept(f);
            frames.add(f);
        });
        ws.closeHandler(v -> closed.complete(ws.closeStatusCode()));
    }

    public static WsSession connect(Vertx vertx, int port, String path) throws Exception {
        return connect(vertx, port, path, new WebSocketClientOptions());
    }

    public static WsSession connect(Vertx vertx, int port, String path, WebSocketClientOptions options) throws Exception {
        WebSocketClient client = vertx.createWebSocketClient(options.setMaxFrameSize(1 << 20).setMaxMessageSize(1 << 22));
        WebSocket ws = client.connect(port, "127.0.0.1", path).await(10, TimeUnit.SECONDS);
        return new WsSession(client, ws);
    }

    /** Connects with {@code connect}'s path, headers and subprotocols (host and port are set here). */
    public static WsSession connect(Vertx vertx, int port, io.vertx.core.http.WebSocketConnectOptions connect)
            throws Exception {
        WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxFrameSize(1 << 20)
                .setMaxMessageSize(1 << 22));
        WebSocket ws = client.connect(connect.setHost("127.0.0.1").setPort(port)).await(10, TimeUnit.SECONDS);
        return new WsSession(client, ws);
    }

    public void send(String text) throws Exception {
        ws.writeTextMessage(text).await(10, TimeUnit.SECONDS);
    }

    public void send(JsonObject o) throws Exception {
        send(o.encode());
    }

    public String next() throws InterruptedException {
        String f = frames.poll(10, TimeUnit.SECONDS);
        if (f == null) {
            throw new AssertionError("no frame within 10 s");
        }
        return f;
    }

    /**
     * Frames of request {@code id} (others are skipped) until its last ({@code end}, {@code error} or
     * {@code answer}) or until {@code max} were read; in order.
     */
    public java.util.List<JsonObject> framesOf(String id, int max) throws InterruptedException {
        java.util.List<JsonObject> out = new java.util.ArrayList<>();
        while (out.size() < max) {
            JsonObject f = nextJson();
            if (id.equals(f.getString("id"))) {
                out.add(f);
                if (java.util.List.of("end", "error", "answer").contains(f.getString("type"))) {
                    break;
                }
            }
        }
        return out;
    }

    public JsonObject nextJson() throws InterruptedException {
        return new JsonObject(next());
    }

    /** All frames up to the server's close, and the close code. */
    public List<String> readUntilClosed() throws Exception {
        short code = closed.get(20, TimeUnit.SECONDS);
        List<String> all = new ArrayList<>();
        frames.drainTo(all);
        closeCode = code;
        return all;
    }

    public short closeCode;

    public String closeReason() {
        return ws.closeReason();
    }

    @Override
    public void close() throws TimeoutException {
        if (!ws.isClosed()) {
            ws.close().await(10, TimeUnit.SECONDS);
        }
        client.close().await(10, TimeUnit.SECONDS);
    }
}
