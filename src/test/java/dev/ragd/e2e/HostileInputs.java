package dev.ragd.e2e;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * Generators of what a hostile or broken client sends: requests of the right shape with wrong
 * types, odd text (control and format characters, lone surrogates, private-use marks, blanks of
 * every kind), overlong ids and questions, and byte-level mutations of valid requests (cuts,
 * deletions, insertions, repeats) that make them malformed JSON in every way.
 */
final class HostileInputs {

    private HostileInputs() {}

    /** Odd text: any characters, or the characters that broke ragd before. */
    static Arbitrary<String> oddText() {
        Arbitrary<String> tricky = Arbitraries.of("\u00A0", "\u200B", "\u0000", "\u202E", "\uD800", "\uDC00",
                "\uE000ragd-token\uE000", "\uFEFF", "\t\r\n", "\"", "\\", "\\u0000", "user_question:", "RAG Chatbot:",
                "</script>", "%00", "${jndi:x}", "\u0085", "\u2028", "😀", "\uFFFF", " ");
        return Arbitraries.oneOf(
                Arbitraries.strings().all().ofMaxLength(40),
                tricky.list().ofMaxSize(6).map(l -> String.join("", l)),
                Combinators.combine(Arbitraries.of("What is the warranty of the Cinder Kettle?", "Do you ship to Canada?",
                        "How long do I have to return an item?"), tricky).as((q, t) -> q + t),
                Arbitraries.strings().withCharRange('a', 'z').ofMinLength(990).ofMaxLength(1100));
    }

    /** Any JSON value, of the types a field must not have. */
    static Arbitrary<Object> anyValue() {
        return Arbitraries.oneOf(oddText().map(s -> (Object) s),
                Arbitraries.of(true, false, 0, -1, Long.MAX_VALUE, 1e308, 3.5).map(v -> (Object) v),
                Arbitraries.just(new JsonObject()), Arbitraries.just(new JsonArray()),
                Arbitraries.just(new JsonArray().add("user_question: nested?")));
    }

    static Arbitrary<Object> message() {
        Arbitrary<Object> role = Arbitraries.oneOf(Arbitraries.of("user", "assistant", "USER", "system", "").map(r -> (Object) r),
                anyValue());
        Arbitrary<Object> content = Arbitraries.oneOf(oddText().map(s -> (Object) s), anyValue());
        return Arbitraries.oneOf(
                Combinators.combine(role, content).as((r, c) -> (Object) new JsonObject().put("role", r).put("content", c)),
                content.map(c -> (Object) new JsonObject().put("content", c)),
                anyValue());
    }

    /** The native request (WebSocket frame and HTTP body): shaped, broken or mutated. */
    static Arbitrary<String> nativeRequests() {
        Arbitrary<Object> id = Arbitraries.oneOf(oddText().map(s -> (Object) s), anyValue(),
                Arbitraries.strings().alpha().ofMinLength(120).ofMaxLength(140).map(s -> (Object) s));
        Arbitrary<JsonObject> shaped = Combinators.combine(id.injectNull(0.3), anyValue().injectNull(0.6),
                message().list().ofMaxSize(6).injectNull(0.1), anyValue().injectNull(0.6))
                .as((i, email, messages, stream) -> {
                    JsonObject o = new JsonObject();
                    if (i != null) {
                        o.put("id", i);
                    }
                    if (email != null) {
                        o.put("user_email", email);
                    }
                    if (messages != null) {
                        o.put("messages", new JsonArray(messages));
                    }
                    if (stream != null) {
                        o.put("stream", stream);
                    }
                    return o;
                });
        Arbitrary<JsonObject> valid = oddText().map(q -> new JsonObject().put("id", "v")
                .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", q))));
        // A conversation to continue: an id of none (not_found), odd text or anything else (bad_request).
        Arbitrary<Object> conversation = Arbitraries.oneOf(Arbitraries.strings().withChars("abcdef0123456789-")
                .ofMinLength(1).ofMaxLength(36).map(c -> (Object) c), oddText().map(c -> (Object) c), anyValue());
        shaped = Combinators.combine(shaped, conversation.injectNull(0.7)).as((o, c) -> c == null ? o
                : o.put("conversation_id", c));
        valid = Combinators.combine(valid, conversation.injectNull(0.7)).as((o, c) -> c == null ? o
                : o.put("conversation_id", c));
        return Arbitraries.oneOf(shaped.map(JsonObject::encode), mutated(valid.map(JsonObject::encode)),
                mutated(shaped.map(JsonObject::encode)), anyValue().map(HostileInputs::encodeValue),
                Arbitraries.strings().all().ofMaxLength(60));
    }

    /** Native frames with a {@code type}: stop frames with odd ids, unknown and odd types, mutated. */
    static Arbitrary<String> controlFrames() {
        Arbitrary<Object> type = Arbitraries.oneOf(Arbitraries.of("stop", "stop", "chat", "STOP", "", "resume",
                "feedback", "feedback").map(t -> (Object) t), anyValue());
        Arbitrary<Object> id = Arbitraries.oneOf(oddText().map(s -> (Object) s), anyValue(), Arbitraries.just("v"),
                Arbitraries.strings().alpha().ofMinLength(120).ofMaxLength(140).map(s -> (Object) s));
        Arbitrary<JsonObject> shaped = Combinators.combine(type, id.injectNull(0.2)).as((t, i) -> {
            JsonObject o = new JsonObject().put("type", t);
            if (i != null) {
                o.put("id", i);
            }
            return o;
        });
        // A feedback frame's own fields, each valid, odd or of the wrong type (no answer has these ids).
        Arbitrary<Object> logId = Arbitraries.oneOf(Arbitraries.strings().withChars("abcdef0123456789-").ofLength(36)
                .map(s -> (Object) s), oddText().map(s -> (Object) s), anyValue());
        Arbitrary<Object> rating = Arbitraries.oneOf(Arbitraries.of("up", "down", "UP", "").map(s -> (Object) s), anyValue());
        Arbitrary<Object> categories = Arbitraries.oneOf(oddText().list().ofMaxSize(10).map(l -> (Object) new JsonArray(
                new java.util.ArrayList<Object>(l))), anyValue());
        shaped = Combinators.combine(shaped, logId.injectNull(0.2), rating.injectNull(0.2), oddText().injectNull(0.5),
                categories.injectNull(0.5)).as((o, l, r, reason, c) -> {
                    if ("feedback".equals(o.getValue("type"))) {
                        o.put("log_id", l).put("rating", r).put("reason", reason).put("categories", c);
                    }
                    return o;
                });
        // A resume's fields: an answer id as above, and an after that is a seq, an odd number or anything.
        Arbitrary<Object> after = Arbitraries.oneOf(Arbitraries.longs().between(-5, 1L << 42).map(n -> (Object) n),
                Arbitraries.of(0, 1, 2.5, -0.0, Long.MAX_VALUE).map(n -> (Object) n), anyValue());
        shaped = Combinators.combine(shaped, logId.injectNull(0.2), after.injectNull(0.3)).as((o, l, a) -> {
            if ("resume".equals(o.getValue("type"))) {
                o.put("log_id", l).put("after", a);
            }
            return o;
        });
        return Arbitraries.oneOf(shaped.map(JsonObject::encode), mutated(shaped.map(JsonObject::encode)));
    }

    /** The book's request: {@code chat_history} of strings and objects, shaped, broken or mutated. */
    static Arbitrary<String> bookRequests() {
        Arbitrary<Object> entry = Arbitraries.oneOf(oddText().map(s -> (Object) ("user_question: " + s)),
                oddText().map(s -> (Object) ("RAG Chatbot: " + s)), message());
        Arbitrary<JsonObject> shaped = Combinators.combine(entry.list().ofMaxSize(6).injectNull(0.1),
                anyValue().injectNull(0.6)).as((history, email) -> {
                    JsonObject o = new JsonObject();
                    if (history != null) {
                        o.put("chat_history", new JsonArray(history));
                    }
                    if (email != null) {
                        o.put("user_email", email);
                    }
                    return o;
                });
        return Arbitraries.oneOf(shaped.map(JsonObject::encode), mutated(shaped.map(JsonObject::encode)),
                anyValue().map(HostileInputs::encodeValue), Arbitraries.strings().all().ofMaxLength(60));
    }

    /** One byte-level edit of {@code texts}: cut, delete, insert or repeat at a random place. */
    static Arbitrary<String> mutated(Arbitrary<String> texts) {
        return Combinators.combine(texts, Arbitraries.integers().between(0, 3), Arbitraries.doubles().between(0, 1),
                Arbitraries.chars().all()).as((t, kind, where, c) -> {
                    int at = (int) (where * t.length());
                    return switch (kind) {
                        case 0 -> t.substring(0, at);
                        case 1 -> at < t.length() ? t.substring(0, at) + t.substring(at + 1) : t + c;
                        case 2 -> t.substring(0, at) + c + t.substring(at);
                        default -> t.substring(0, at) + t.substring(at, Math.min(t.length(), at + 8)).repeat(3) + t.substring(at);
                    };
                });
    }

    private static String encodeValue(Object v) {
        return v instanceof JsonObject o ? o.encode() : v instanceof JsonArray a ? a.encode()
                : io.vertx.core.json.Json.encode(v);
    }
}
