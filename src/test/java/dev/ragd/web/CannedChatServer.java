package dev.ragd.web;

import dev.ragd.llm.ExtractiveAnswerer;
import dev.ragd.llm.GenerationRequest;
import dev.ragd.llm.Message;
import dev.ragd.llm.TokenStream;
import dev.ragd.retrieval.Passage;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.StaticHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Test stand-in for the ragd server while it is being written: serves {@code webroot/} from the
 * classpath and speaks the native WebSocket protocol at {@code /v1/chat}, answering from a fixed
 * product catalogue with the real {@link ExtractiveAnswerer}. A question containing "fail" gets an
 * {@code error} frame; one containing "drop" gets its socket closed.
 */
final class CannedChatServer implements AutoCloseable {

    static final List<Passage> CATALOGUE = List.of(
            new Passage("p2", "p2#0", "Hasty Pants",
                    "Name: Hasty Pants\nCategory: Trousers\nPrice: 49 EUR\nWarranty: 2 years\nMaterial: cotton",
                    "https://shop.example.com/p2", 0.91),
            new Passage("p1", "p1#0", "Rapid Jacket",
                    "Name: Rapid Jacket\nCategory: Outerwear\nPrice: 89 EUR\nWarranty: 3 years\nMaterial: nylon",
                    null, 0.62),
            new Passage("p3", "p3#0", "Calm Pants",
                    "Name: Calm Pants\nCategory: Trousers\nPrice: 45 EUR\nWarranty: 1 year\nMaterial: linen",
                    null, 0.55));

    final List<JsonObject> received = new CopyOnWriteArrayList<>();
    private final Vertx vertx = Vertx.vertx();
    private final ExtractiveAnswerer answerer = new ExtractiveAnswerer(vertx, 15);
    private HttpServer server;

    /** Starts on an ephemeral loopback port and returns the base URL, e.g. {@code http://127.0.0.1:41234/}. */
    String start() {
        Router router = Router.router(vertx);
        router.route("/v1/chat").handler(rc -> rc.request().toWebSocket().onSuccess(this::chat).onFailure(rc::fail));
        router.route().handler(StaticHandler.create("webroot").setCachingEnabled(false));
        server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").await();
        return "http://127.0.0.1:" + server.actualPort() + "/";
    }

    private void chat(ServerWebSocket ws) {
        List<TokenStream> running = new ArrayList<>();
        ws.closeHandler(v -> running.forEach(TokenStream::cancel));
        ws.textMessageHandler(text -> {
            JsonObject frame = new JsonObject(text);
            received.add(frame);
            String id = frame.getString("id");
            JsonArray messages = frame.getJsonArray("messages");
            String question = messages.getJsonObject(messages.size() - 1).getString("content");
            if (question.contains("drop")) {
                ws.close();
                return;
            }
            if (question.contains("fail")) {
                send(ws, new JsonObject().put("type", "error").put("id", id).put("code", "overloaded")
                        .put("message", "The server is busy answering other questions.")
                        .put("retryable", true).put("retry_after_ms", 1500));
                return;
            }
            long began = System.nanoTime();
            List<Message> history = new ArrayList<>();
            for (int i = 0; i < messages.size() - 1; i++) {
                JsonObject m = messages.getJsonObject(i);
                history.add("assistant".equals(m.getString("role"))
                        ? Message.assistant(m.getString("content")) : Message.user(m.getString("content")));
            }
            send(ws, new JsonObject().put("type", "start").put("id", id));
            JsonArray items = new JsonArray();
            for (Passage p : CATALOGUE) {
                items.add(new JsonObject().put("doc_id", p.docId()).put("chunk_id", p.chunkId())
                        .put("title", p.title()).put("score", p.score())
                        .put("snippet", p.text().replace('\n', ' ')).put("url", p.url()));
            }
            send(ws, new JsonObject().put("type", "sources").put("id", id).put("items", items));
            long[] firstToken = {-1};
            TokenStream stream = answerer.stream(new GenerationRequest(question, history, CATALOGUE),
                    vertx.getOrCreateContext());
            running.add(stream);
            stream.handler(token -> {
                if (firstToken[0] < 0) {
                    firstToken[0] = ms(began);
                }
                send(ws, new JsonObject().put("type", "token").put("id", id).put("text", token));
                if (ws.writeQueueFull()) {
                    stream.pause();
                    ws.drainHandler(v -> stream.resume());
                }
            });
            stream.endHandler(usage -> send(ws, new JsonObject().put("type", "end").put("id", id)
                    .put("log_id", id).put("model", answerer.model())
                    .put("language_model", answerer.isLanguageModel())
                    .put("timings", new JsonObject().put("retrieval_ms", 3).put("first_token_ms", firstToken[0])
                            .put("total_ms", ms(began)).put("prompt_tokens", usage.promptTokens())
                            .put("completion_tokens", usage.completionTokens()))));
            stream.start();
        });
    }

    private static long ms(long since) {
        return (System.nanoTime() - since) / 1_000_000;
    }

    private static void send(ServerWebSocket ws, JsonObject frame) {
        if (!ws.isClosed()) {
            ws.writeTextMessage(frame.encode());
        }
    }

    @Override
    public void close() {
        vertx.close().await();
    }
}
