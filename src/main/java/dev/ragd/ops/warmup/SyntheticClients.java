package dev.ragd.ops.warmup;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The warm-up's clients: each one asks question after question until the deadline, rotating over
 * the three protocols (native WebSocket with several turns, the book's WebSocket, SSE), so all of
 * their server code is compiled. Asynchronous, on the Vert.x event loops.
 */
final class SyntheticClients {

    private final Vertx vertx;
    private final int port;
    private final List<String> questions;
    private final long deadlineNanos;
    private final AtomicLong chats;
    private final WebSocketClient ws;
    private final HttpClient http;

    SyntheticClients(Vertx vertx, int port, List<String> questions, long deadlineNanos, AtomicLong chats) {
        this.vertx = vertx;
        this.port = port;
        this.questions = questions;
        this.deadlineNanos = deadlineNanos;
        this.chats = chats;
        this.ws = vertx.createWebSocketClient();
        this.http = vertx.createHttpClient();
    }

    /** Runs {@code clients} loops; completes when all have stopped (failures end a loop, not the warm-up). */
    Future<Void> run(int clients) {
        List<Future<Void>> loops = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            loops.add(loop(i));
        }
        return Future.join(loops).<Void>mapEmpty().otherwiseEmpty()
                .eventually(() -> Future.join(ws.close(), http.close()));
    }

    private boolean over() {
        return System.nanoTime() - deadlineNanos >= 0;
    }

    private Future<Void> loop(int client) {
        if (over()) {
            return Future.succeededFuture();
        }
        String question = questions.get((int) (chats.get() + client) % questions.size());
        Future<Void> chat = switch (client % 3) {
            case 0 -> nativeTurns(question);
            case 1 -> book(question);
            default -> sse(question);
        };
        return chat.transform(ar -> ar.failed() ? Future.<Void>succeededFuture() : loop(client));
    }

    /** A native socket with a few turns, each waiting for its end frame. */
    private Future<Void> nativeTurns(String question) {
        return ws.connect(port, "127.0.0.1", "/v1/chat").compose(socket -> {
            Promise<Void> done = Promise.promise();
            int[] turn = {0};
            socket.textMessageHandler(text -> {
                String type = new JsonObject(text).getString("type");
                if ("end".equals(type) || "error".equals(type)) {
                    chats.incrementAndGet();
                    if (++turn[0] < 3 && !over()) {
                        send(socket, question, turn[0]);
                    } else {
                        socket.close().onComplete(ar -> done.tryComplete());
                    }
                }
            });
            socket.closeHandler(v -> done.tryComplete());
            send(socket, question, 0);
            return done.future();
        });
    }

    private static void send(WebSocket socket, String question, int turn) {
        socket.writeTextMessage(new JsonObject().put("id", "warmup-" + turn).put("messages", new JsonArray()
                .add(new JsonObject().put("role", "user").put("content", question))).encode());
    }

    /** The book's protocol: one question, the server closes after the answer. */
    private Future<Void> book(String question) {
        return ws.connect(port, "127.0.0.1", "/").compose(socket -> {
            Promise<Void> done = Promise.promise();
            socket.textMessageHandler(text -> { });
            socket.closeHandler(v -> {
                chats.incrementAndGet();
                done.tryComplete();
            });
            socket.writeTextMessage(new JsonObject().put("chat_history", new JsonArray()
                    .add("user_question: " + question)).encode());
            return done.future();
        });
    }

    /** {@code POST /v1/chat} answered as server-sent events. */
    private Future<Void> sse(String question) {
        String body = new JsonObject().put("id", "warmup-sse").put("messages", new JsonArray()
                .add(new JsonObject().put("role", "user").put("content", question))).encode();
        return http.request(HttpMethod.POST, port, "127.0.0.1", "/v1/chat")
                .compose(req -> req.putHeader("content-type", "application/json").send(Buffer.buffer(body)))
                .compose(resp -> resp.body())
                .map(b -> {
                    chats.incrementAndGet();
                    return (Void) null;
                });
    }
}
