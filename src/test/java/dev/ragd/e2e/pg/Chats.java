package dev.ragd.e2e.pg;

import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Questions over ragd's native WebSocket ({@code /v1/chat}), one connection each, with frame arrival times. */
final class Chats {

    /** Questions whose extractive answers run to 12-23 words (about 0.5-1 s at 40 ms a word). */
    static final List<String> QUESTIONS = List.of(
            "How long does shipping take?",
            "How do I return an item?",
            "How do I clean the kettle?",
            "How do I reset my password?");

    private Chats() {
    }

    /** A question in flight: {@link #firstToken} completes at its first token, {@link #done} at its end or error frame. */
    record Asked(String id, CompletableFuture<Void> firstToken, CompletableFuture<Answer> done) {}

    /**
     * The frames of one answer, in order, and when (System.nanoTime) the last token and the final
     * frame arrived: the chat-log write happens between the two.
     */
    record Answer(String id, List<JsonObject> frames, long lastTokenNanos, long endNanos) {
        JsonObject last() {
            return frames.getLast();
        }

        String type() {
            return last().getString("type");
        }

        String logged() {
            return last().getString("logged");
        }

        /** The id of the answer's chat-log record, as its end frame named it. */
        String logId() {
            return last().getString("log_id");
        }

        /** The streamed answer: every token's text, concatenated. */
        String text() {
            return frames.stream().filter(f -> "token".equals(f.getString("type")))
                    .map(f -> f.getString("text")).reduce("", String::concat);
        }

        /** From the last token to the end frame: mostly the chat-log write. */
        long endLatencyMs() {
            return TimeUnit.NANOSECONDS.toMillis(endNanos - lastTokenNanos);
        }
    }

    static JsonObject request(String id, String question) {
        return new JsonObject().put("id", id)
                .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", question)));
    }

    /** Connects, sends the question and returns at once; fails the futures if the socket closes first. */
    static Asked ask(Vertx vertx, int port, String id, String question) {
        CompletableFuture<Void> firstToken = new CompletableFuture<>();
        CompletableFuture<Answer> done = new CompletableFuture<>();
        List<JsonObject> frames = Collections.synchronizedList(new ArrayList<>());
        long[] lastToken = {0};
        WebSocketClient client = vertx.createWebSocketClient();
        client.connect(port, "127.0.0.1", "/v1/chat").onFailure(done::completeExceptionally).onSuccess(ws -> {
            ws.textMessageHandler(text -> {
                long now = System.nanoTime();
                JsonObject f = new JsonObject(text);
                frames.add(f);
                String type = f.getString("type");
                if ("token".equals(type)) {
                    lastToken[0] = now;
                    firstToken.complete(null);
                } else if ("end".equals(type) || "error".equals(type)) {
                    firstToken.complete(null);
                    done.complete(new Answer(id, List.copyOf(frames), lastToken[0], now));
                    ws.close();
                }
            });
            ws.closeHandler(v -> {
                AssertionError e = new AssertionError(id + ": socket closed (" + ws.closeStatusCode()
                        + ") before the end frame; frames " + frames);
                firstToken.completeExceptionally(e);
                done.completeExceptionally(e);
            });
            ws.writeTextMessage(request(id, question).encode()).onFailure(done::completeExceptionally);
        });
        done.whenComplete((a, e) -> client.close());
        return new Asked(id, firstToken.orTimeout(30, TimeUnit.SECONDS), done.orTimeout(60, TimeUnit.SECONDS));
    }

    /** Waits for every answer. */
    static List<Answer> all(List<Asked> asked) {
        return asked.stream().map(a -> a.done().join()).toList();
    }

    /** Waits until every question has streamed its first token (so each is mid-answer). */
    static void awaitFirstTokens(List<Asked> asked) {
        asked.forEach(a -> a.firstToken().join());
    }

    static String question(int i) {
        return QUESTIONS.get(i % QUESTIONS.size());
    }
}
