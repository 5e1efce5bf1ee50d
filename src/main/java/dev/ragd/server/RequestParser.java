package dev.ragd.server;

import dev.ragd.chat.ChatPipeline;
import dev.ragd.chat.ChatRequest;
import dev.ragd.llm.Message;
import dev.ragd.retrieval.SearchFilter;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/** Turns the wire formats into {@link ChatRequest}s, naming the first problem found. */
final class RequestParser {

    static final int MAX_ID_CHARS = 128;
    /** The prefix the book's page puts before the chatbot's earlier answers. */
    static final String ANSWER_PREFIX = "RAG Chatbot:";

    private RequestParser() {}

    static JsonObject object(String text) throws BadRequestException {
        // Text that cannot start any JSON value is refused without the parser: its exception (with a
        // stack trace) costs far more than the answer, and a flood of such frames made the heap balloon.
        int at = firstNonBlank(text);
        if (at < text.length() && "{[\"-0123456789tfn".indexOf(text.charAt(at)) < 0) {
            throw BadRequestException.badJson("unexpected character " + describeChar(text.codePointAt(at))
                    + " at position " + at + "; send a JSON object");
        }
        Object value;
        try {
            value = Json.decodeValue(text);
        } catch (DecodeException e) {
            throw BadRequestException.badJson(shortReason(e.getMessage()));
        }
        if (value instanceof JsonObject o) {
            return o;
        }
        throw BadRequestException.field(null, "the request must be a JSON object");
    }

    /** The native frame types: {@code chat} (a request; also a frame without {@code type}), {@code stop}, {@code feedback}. */
    static final java.util.Set<String> FRAME_TYPES = java.util.Set.of("chat", "stop", "feedback", "resume");

    /** What a native frame asks for: one of {@link #FRAME_TYPES}, {@code chat} when it has no {@code type}. */
    static String frameType(JsonObject o) throws BadRequestException {
        Object type = o.getValue("type");
        if (type == null) {
            return "chat";
        }
        if (!(type instanceof String t) || !FRAME_TYPES.contains(t)) {
            String shown = type instanceof String t ? "'" + (t.length() > 40 ? t.substring(0, 40) + "…" : t) + "'"
                    : "a " + type.getClass().getSimpleName();
            throw BadRequestException.field(null, "type " + shown + " is not a frame type; send a chat request"
                    + " (no type), {\"type\":\"stop\",\"id\":…}, {\"type\":\"feedback\",\"log_id\":…,\"rating\":…}"
                    + " or {\"type\":\"resume\",\"log_id\":…,\"after\":…}");
        }
        return t;
    }

    private static final java.util.regex.Pattern LOG_ID = java.util.regex.Pattern.compile("[A-Za-z0-9._-]+");

    /** A {@code log_id} from a path or a field: the characters a server-made id has, bounded. */
    static String logId(String value, String where) throws BadRequestException {
        if (value == null || value.length() > MAX_ID_CHARS || !LOG_ID.matcher(value).matches()) {
            throw BadRequestException.field(null, where + " must name a log_id (letters, digits, . _ -, at most "
                    + MAX_ID_CHARS + " characters)");
        }
        return value;
    }

    /** The request's {@code id}, checked, or {@code null} when it has none. */
    static String id(JsonObject o) throws BadRequestException {
        String id = null;
        Object rawId = o.getValue("id");
        if (rawId != null) {
            if (!(rawId instanceof String s) || s.isBlank() || s.length() > MAX_ID_CHARS) {
                throw BadRequestException.field(null, "id must be a non-empty string of at most " + MAX_ID_CHARS
                        + " characters");
            }
            if (!echoable(s)) {
                // Such an id cannot be echoed faithfully (a lone surrogate leaves as "?" in UTF-8), so
                // the client could not match its replies; no reply carries it.
                throw BadRequestException.field(null,
                        "id must not contain control characters or unpaired surrogates (UTF-16 halves)");
            }
            id = s;
        }
        return id;
    }

    /**
     * The native request {@code {"id"?, "user_email"?, "messages": [{role, content}], "stream"?,
     * "conversation_id"?}} ({@code email} is accepted for {@code user_email}). Without
     * {@code conversation_id} the request starts a server-kept conversation; with one, it continues it.
     */
    static ChatRequest nativeRequest(JsonObject o) throws BadRequestException {
        String id = id(o);
        String reqId = id == null ? UUID.randomUUID().toString() : id;
        String email = email(o, reqId);
        Object rawMessages = o.getValue("messages");
        if (rawMessages == null) {
            throw BadRequestException.field(reqId, "missing field messages (a list of {role, content} objects)");
        }
        if (!(rawMessages instanceof JsonArray arr) || arr.isEmpty()) {
            throw BadRequestException.field(reqId, "messages must be a non-empty list of {role, content} objects");
        }
        List<Message> messages = new ArrayList<>();
        for (int i = 0; i < arr.size(); i++) {
            if (!(arr.getValue(i) instanceof JsonObject m)) {
                throw BadRequestException.field(reqId, "messages[" + i + "] must be an object with role and content");
            }
            messages.add(message(m, "messages[" + i + "]", reqId));
        }
        if (messages.stream().noneMatch(m -> m.role() == Message.Role.USER)) {
            throw BadRequestException.field(reqId, "messages must contain a message with role user (the question)");
        }
        Object stream = o.getValue("stream");
        if (stream != null && !(stream instanceof Boolean)) {
            throw BadRequestException.field(reqId, "stream must be true or false");
        }
        return new ChatRequest(reqId, email, messages, stream == null || (Boolean) stream, filters(o, reqId),
                conversation(o, reqId));
    }

    private static dev.ragd.chat.ConversationRef conversation(JsonObject o, String reqId) throws BadRequestException {
        Object raw = o.getValue("conversation_id");
        if (raw == null) {
            return dev.ragd.chat.ConversationRef.NEW;
        }
        if (!(raw instanceof String s) || s.length() > MAX_ID_CHARS || !LOG_ID.matcher(s).matches()) {
            throw BadRequestException.field(reqId, "conversation_id must be a conversation's id from a start frame"
                    + " (letters, digits, . _ -, at most " + MAX_ID_CHARS + " characters)");
        }
        return new dev.ragd.chat.ConversationRef(s);
    }

    static final int MAX_FILTER_FIELDS = 10;
    static final int MAX_FILTER_VALUES = 20;
    static final int MAX_FILTER_VALUE_CHARS = 256;

    /**
     * {@code "filters": {"field": "value" | ["value", …]}}: the metadata to narrow the search to.
     * Only the shape is checked here; which fields are allowed is the pipeline's
     * ({@code RAGD_SEARCH_CLIENT_FILTERS}).
     */
    private static SearchFilter filters(JsonObject o, String reqId) throws BadRequestException {
        Object raw = o.getValue("filters");
        if (raw == null) {
            return SearchFilter.NONE;
        }
        if (!(raw instanceof JsonObject f)) {
            throw BadRequestException.field(reqId, "filters must be an object of field: value or field: [values]");
        }
        if (f.size() > MAX_FILTER_FIELDS) {
            throw BadRequestException.field(reqId, "filters may name at most " + MAX_FILTER_FIELDS + " fields");
        }
        Map<String, List<String>> anyOf = new LinkedHashMap<>();
        for (String field : f.fieldNames()) {
            if (!field.matches("[A-Za-z][A-Za-z0-9_]{0,127}")) {
                throw BadRequestException.field(reqId, "filters: '" + shortText(field) + "' is not a field name");
            }
            Object v = f.getValue(field);
            List<Object> values = v instanceof JsonArray a ? a.getList() : java.util.Collections.singletonList(v);
            if (values.isEmpty() || values.size() > MAX_FILTER_VALUES) {
                throw BadRequestException.field(reqId, "filters." + field + " must be a string or a list of 1 to "
                        + MAX_FILTER_VALUES + " strings");
            }
            List<String> strings = new ArrayList<>();
            for (Object value : values) {
                if (!(value instanceof String sv) || sv.isEmpty() || sv.length() > MAX_FILTER_VALUE_CHARS || !echoable(sv)) {
                    throw BadRequestException.field(reqId, "filters." + field + " values must be non-empty strings of at"
                            + " most " + MAX_FILTER_VALUE_CHARS + " characters, without control characters");
                }
                strings.add(sv);
            }
            anyOf.put(field, strings);
        }
        return new SearchFilter(anyOf);
    }

    private static String shortText(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "…";
    }

    /**
     * The book's request {@code {"user_email", "chat_history": [...]}}: entries are strings
     * ({@code "user_question: ..."}, {@code "RAG Chatbot: ..."}) or {role, content} objects; the
     * last entry is the question.
     */
    static ChatRequest bookRequest(JsonObject o, String id) throws BadRequestException {
        String email = email(o, id);
        Object raw = o.getValue("chat_history");
        if (raw == null) {
            throw BadRequestException.field(id, "missing field chat_history (a list whose last entry is the question)");
        }
        if (!(raw instanceof JsonArray arr)) {
            throw BadRequestException.field(id, "chat_history must be a list of strings or {role, content} objects");
        }
        if (arr.isEmpty()) {
            throw BadRequestException.field(id, "chat_history is empty; its last entry must be the question");
        }
        List<Message> messages = new ArrayList<>();
        for (int i = 0; i < arr.size(); i++) {
            String where = "chat_history[" + i + "]";
            boolean last = i == arr.size() - 1;
            Object e = arr.getValue(i);
            if (e instanceof String s) {
                messages.add(last ? Message.user(ChatPipeline.stripQuestionPrefix(s)) : fromBookString(s));
            } else if (e instanceof JsonObject m) {
                Message msg = message(m, where, id);
                if (last && msg.role() != Message.Role.USER) {
                    throw BadRequestException.field(id, "the last chat_history entry must be the user's question");
                }
                messages.add(msg);
            } else {
                throw BadRequestException.field(id, where + " must be a string or an object with role and content");
            }
        }
        if (messages.getLast().content().isBlank()) {
            throw BadRequestException.field(id, "the question (last chat_history entry) is empty");
        }
        return new ChatRequest(id, email, messages, true);
    }

    /** True when {@code id} has no control character and no surrogate that is not part of a pair. */
    static boolean echoable(String id) {
        for (int i = 0; i < id.length(); ) {
            int cp = id.codePointAt(i);
            if (Character.isISOControl(cp) || Character.getType(cp) == Character.SURROGATE) {
                return false;
            }
            i += Character.charCount(cp);
        }
        return true;
    }

    private static Message fromBookString(String s) {
        String t = s.strip();
        if (t.regionMatches(true, 0, ANSWER_PREFIX, 0, ANSWER_PREFIX.length())) {
            return Message.assistant(t.substring(ANSWER_PREFIX.length()).strip());
        }
        return Message.user(ChatPipeline.stripQuestionPrefix(t));
    }

    private static Message message(JsonObject m, String where, String id) throws BadRequestException {
        Object role = m.getValue("role");
        Object content = m.getValue("content");
        if (!(role instanceof String r)) {
            throw BadRequestException.field(id, where + ".role must be \"user\" or \"assistant\"");
        }
        if (!(content instanceof String c)) {
            throw BadRequestException.field(id, where + ".content must be a string");
        }
        return switch (r.toLowerCase(Locale.ROOT)) {
            case "user" -> Message.user(c);
            case "assistant" -> Message.assistant(c);
            default -> throw BadRequestException.field(id, where + ".role must be \"user\" or \"assistant\", not \""
                    + shortReason(r) + "\"");
        };
    }

    private static String email(JsonObject o, String id) throws BadRequestException {
        Object v = o.containsKey("user_email") ? o.getValue("user_email") : o.getValue("email");
        if (v == null) {
            return null;
        }
        if (!(v instanceof String s)) {
            throw BadRequestException.field(id, "user_email must be a string");
        }
        return s.isBlank() ? null : s.strip();
    }

    private static int firstNonBlank(String text) {
        int i = 0;
        while (i < text.length() && (text.charAt(i) == ' ' || text.charAt(i) == '\t' || text.charAt(i) == '\n'
                || text.charAt(i) == '\r')) {
            i++;
        }
        return i;
    }

    private static String describeChar(int cp) {
        return cp >= 0x20 && cp < 0x7F ? "'" + (char) cp + "'" : String.format("U+%04X", cp);
    }

    /** The first line of a parser message, without Vert.x's prefix, at most 80 characters. */
    static String shortReason(String message) {
        String s = message == null ? "unreadable" : message;
        s = s.replaceFirst("^Failed to decode:\\s*", "");
        int nl = s.indexOf('\n');
        if (nl >= 0) {
            s = s.substring(0, nl);
        }
        return s.length() > 80 ? s.substring(0, 80) : s;
    }
}
