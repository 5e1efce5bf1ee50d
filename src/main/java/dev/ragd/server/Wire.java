package dev.ragd.server;

import dev.ragd.chat.ChatError;
import dev.ragd.chat.EndInfo;
import dev.ragd.chat.ErrorCodes;
import dev.ragd.chat.Timings;
import dev.ragd.retrieval.Passage;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Pattern;

/** JSON shapes shared by the native WebSocket and HTTP protocols (see docs/protocol.md). */
final class Wire {

    static final int SNIPPET_CHARS = 200;
    /** A WebSocket close reason must fit in 123 bytes of UTF-8 (RFC 6455 5.5). */
    static final int MAX_CLOSE_REASON_BYTES = 123;

    private static final Pattern BLANKS = Pattern.compile("\\s+");

    private Wire() {}

    static JsonObject frame(String type, String id) {
        return new JsonObject().put("type", type).put("id", id);
    }

    /** The {@code start} frame: the client's request {@code id} and the {@code log_id} its record will have. */
    static JsonObject start(String id, String logId) {
        return frame("start", id).put("log_id", logId);
    }

    /** The {@code token} frame of request {@code id} ({@code {"type","id","seq","text"}}), encoded once for all its tokens. */
    static TokenFrame tokenFrame(String id) {
        return TokenFrame.ofSeq((seq, text) -> frame("token", id).put("seq", seq).put("text", text), JsonObject::encode);
    }

    static JsonArray sources(List<Passage> passages) {
        JsonArray items = new JsonArray();
        for (int i = 0; i < passages.size(); i++) {
            Passage p = passages.get(i);
            JsonObject item = new JsonObject().put("n", i + 1).put("doc_id", p.docId()).put("chunk_id", p.chunkId())
                    .put("title", p.title()).put("score", p.score()).put("snippet", snippet(p.text()));
            if (p.url() != null) {
                item.put("url", p.url());
            }
            if (p.rerankerScore() != null) {
                item.put("reranker_score", p.rerankerScore());
            }
            items.add(item);
        }
        return items;
    }

    static String snippet(String text) {
        if (text == null) {
            return "";
        }
        String s = BLANKS.matcher(text.strip()).replaceAll(" ");
        if (s.length() <= SNIPPET_CHARS) {
            return s;
        }
        int cut = Character.isHighSurrogate(s.charAt(SNIPPET_CHARS - 1)) ? SNIPPET_CHARS - 1 : SNIPPET_CHARS;
        return s.substring(0, cut).stripTrailing() + "…";
    }

    static JsonObject timings(Timings t) {
        return new JsonObject().put("retrieval_ms", t.retrievalMs()).put("first_token_ms", t.firstTokenMs())
                .put("total_ms", t.totalMs()).put("prompt_tokens", t.promptTokens())
                .put("completion_tokens", t.completionTokens());
    }

    /**
     * Adds {@code log_id}, {@code conversation_id} (when the request was a turn of one), {@code logged},
     * {@code timings}, {@code model} and {@code answerer} to {@code target}.
     */
    static JsonObject endFields(JsonObject target, EndInfo end) {
        if (end.conversationId() != null) {
            target.put("conversation_id", end.conversationId());
        }
        return target.put("log_id", end.logId()).put("status", end.status()).put("logged", end.logged())
                .put("timings", timings(end.timings()))
                .put("model", end.model())
                .put("answerer", new JsonObject().put("model", end.model())
                        .put("language_model", end.languageModel()).put("retriever", end.retriever()));
    }

    static JsonObject end(String id, EndInfo end) {
        return endFields(frame("end", id), end);
    }

    /** The whole answer in one object: the native {@code answer} frame and the HTTP JSON body. */
    static JsonObject answer(String type, String id, EndInfo end) {
        JsonObject o = type == null ? new JsonObject().put("id", id) : frame(type, id);
        o.put("answer", end.answer()).put("sources", sources(end.sources()));
        return endFields(o, end);
    }

    /**
     * The finished answer of a record, for a resume that came after the answer's frames were
     * dropped: {@code answer} with the record's text, status, model and timings, and
     * {@code "from":"chat_log"}; no sources (the record keeps the searches, not the cited passages).
     */
    static JsonObject fromLog(String id, dev.ragd.chatlog.ChatRecord r) {
        JsonObject o = frame("answer", id).put("log_id", r.id()).put("answer", r.finalAnswer()).put("status", r.status().name())
                .put("model", r.model()).put("timings", new JsonObject().put("retrieval_ms", r.retrievalMs())
                        .put("first_token_ms", r.firstTokenMs()).put("total_ms", r.totalMs())
                        .put("prompt_tokens", r.promptTokens()).put("completion_tokens", r.completionTokens()))
                .put("from", "chat_log");
        if (r.conversationId() != null) {
            o.put("conversation_id", r.conversationId());
        }
        return o;
    }

    static JsonObject errorFields(JsonObject target, ChatError e) {
        target.put("code", e.code()).put("message", e.message()).put("retryable", e.retryable());
        if (e.retryAfterMs() != null) {
            target.put("retry_after_ms", e.retryAfterMs());
        }
        return target;
    }

    static JsonObject errorFrame(String id, ChatError e) {
        return errorFields(frame("error", id), e);
    }

    /** The HTTP error body {@code {"error":{code,message,retryable}}}. */
    static JsonObject errorBody(ChatError e) {
        return new JsonObject().put("error", errorFields(new JsonObject(), e));
    }

    static int httpStatus(ChatError e) {
        return switch (e.code()) {
            case ErrorCodes.BAD_REQUEST, ErrorCodes.QUESTION_TOO_LONG, ErrorCodes.HISTORY_TOO_LONG -> 400;
            case ErrorCodes.UNAUTHORIZED -> 401;
            case ErrorCodes.NOT_FOUND -> 404;
            case ErrorCodes.NOT_SUPPORTED -> 501;
            case ErrorCodes.RESUME_EXPIRED -> 410;
            case ErrorCodes.PAYLOAD_TOO_LARGE -> 413;
            case ErrorCodes.ORIGIN_NOT_ALLOWED -> 403;
            case ErrorCodes.HOST_NOT_ALLOWED -> 421;
            case ErrorCodes.UNSUPPORTED_MEDIA_TYPE -> 415;
            case ErrorCodes.REQUEST_TIMEOUT -> 408;
            case ErrorCodes.TOO_MANY_REQUESTS, ErrorCodes.RATE_LIMITED, ErrorCodes.BUSY, ErrorCodes.QUOTA_EXCEEDED -> 429;
            case ErrorCodes.UPSTREAM_AUTH, ErrorCodes.UPSTREAM_BAD_REQUEST -> 502;
            case ErrorCodes.UPSTREAM_TIMEOUT -> 504;
            default -> e.retryable() ? 503 : 500;
        };
    }

    /** {@code reason} cut to fit a WebSocket close frame, never splitting a character. */
    static String closeReason(String reason) {
        if (reason.getBytes(StandardCharsets.UTF_8).length <= MAX_CLOSE_REASON_BYTES) {
            return reason;
        }
        StringBuilder sb = new StringBuilder();
        int bytes = 0;
        int limit = MAX_CLOSE_REASON_BYTES - 3; // room for "..."
        for (int i = 0; i < reason.length(); ) {
            int cp = reason.codePointAt(i);
            int n = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8).length;
            if (bytes + n > limit) {
                break;
            }
            sb.appendCodePoint(cp);
            bytes += n;
            i += Character.charCount(cp);
        }
        return sb.append("...").toString();
    }
}
