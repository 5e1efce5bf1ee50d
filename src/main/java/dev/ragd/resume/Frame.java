package dev.ragd.resume;

import io.vertx.core.json.JsonObject;
import java.util.Objects;

/**
 * One frame of a streaming answer, as every client of the answer gets it but without the client's
 * request {@code id} (each connection that reads the answer has its own): its {@code seq} (1, 2, 3…
 * within the answer), its {@code type}, and either a token's {@code text} or the frame's other
 * {@code fields}. Frames are what a resumed client is sent again, so they are immutable values.
 *
 * @param seq    the frame's place in the answer, from 1
 * @param type   {@code start}, {@code sources}, {@code token}, {@code end} or {@code error}
 * @param text   a token's text; {@code null} for other frames
 * @param fields the frame's fields other than {@code type}, {@code id} and {@code seq}; {@code null} for tokens
 */
public record Frame(long seq, String type, String text, JsonObject fields) {

    public Frame {
        if (seq < 1) {
            throw new IllegalArgumentException("seq must be at least 1, got " + seq);
        }
        Objects.requireNonNull(type, "type");
        if ((text == null) == (fields == null)) {
            throw new IllegalArgumentException("a frame has either a token's text or fields");
        }
    }

    public static Frame token(long seq, String text) {
        return new Frame(seq, "token", text, null);
    }

    public static Frame of(long seq, String type, JsonObject fields) {
        return new Frame(seq, type, null, fields);
    }

    /** Whether nothing follows this frame: the answer's {@code end} or {@code error}. */
    public boolean last() {
        return type.equals("end") || type.equals("error");
    }

    /** Characters this frame holds, for the buffer's bound. */
    int size() {
        return text != null ? text.length() + 16 : fields.encode().length() + 16;
    }

    /** The frame as a client gets it, for request {@code id}: {@code {"type","id","seq",…}}. */
    public JsonObject toClient(String id) {
        JsonObject o = new JsonObject().put("type", type).put("id", id).put("seq", seq);
        return text != null ? o.put("text", text) : o.mergeIn(fields);
    }

    /** The frame for storage: {@code {"seq","type","text"|"fields"}}. */
    public JsonObject toJson() {
        JsonObject o = new JsonObject().put("seq", seq).put("type", type);
        return text != null ? o.put("text", text) : o.put("fields", fields);
    }

    /** The inverse of {@link #toJson()}. */
    public static Frame fromJson(JsonObject o) {
        String text = o.getString("text");
        return new Frame(o.getLong("seq"), o.getString("type"), text, text == null ? o.getJsonObject("fields") : null);
    }
}
