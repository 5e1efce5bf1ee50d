package dev.ragd.e2e.llm;

import dev.ragd.testsupport.ChatPost;
import dev.ragd.testsupport.WsSession;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/** Client-side helpers for the three chat endpoints. */
final class Clients {

    private Clients() {}

    /** A native request (WebSocket or HTTP body) with one user message. */
    static JsonObject request(String id, String question) {
        return new JsonObject().put("id", id)
                .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", question)));
    }

    /** A book-protocol request with one question. */
    static JsonObject bookRequest(String email, String question) {
        return new JsonObject().put("user_email", email)
                .put("chat_history", new JsonArray().add("user_question: " + question));
    }

    /** Frames of one request on a native socket, up to and including its {@code end}, {@code answer} or {@code error}. */
    static List<JsonObject> untilDone(WsSession ws) throws InterruptedException {
        List<JsonObject> frames = new ArrayList<>();
        JsonObject frame;
        do {
            frame = ws.nextJson();
            frames.add(frame);
        } while (!terminal(frame));
        return frames;
    }

    static boolean terminal(JsonObject frame) {
        String type = frame.getString("type");
        return "end".equals(type) || "answer".equals(type) || "error".equals(type);
    }

    /** The concatenated text of the token frames. */
    static String text(List<JsonObject> frames) {
        return frames.stream().filter(f -> "token".equals(f.getString("type"))).map(f -> f.getString("text"))
                .reduce("", String::concat);
    }

    record Reply(int status, String contentType, String body) {}

    /** {@code POST /v1/chat} ({@link ChatPost}). */
    static Reply post(int port, JsonObject body) throws Exception {
        ChatPost.Reply r = ChatPost.post(port, body.encode(), java.time.Duration.ofSeconds(30));
        return new Reply(r.status(), r.contentType().isEmpty() ? "null" : r.contentType(), r.body());
    }

    /** The {@code data:} JSON of each server-sent event. */
    static List<JsonObject> events(String body) {
        List<JsonObject> out = new ArrayList<>();
        for (String block : body.split("\n\n")) {
            StringBuilder data = new StringBuilder();
            for (String line : block.split("\n")) {
                if (line.startsWith("data:")) {
                    data.append(line.substring("data:".length()).strip());
                }
            }
            if (!data.isEmpty()) {
                out.add(new JsonObject(data.toString()));
            }
        }
        return out;
    }
}
