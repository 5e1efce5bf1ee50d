package dev.ragd.eval;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.ragd.llm.Message;
import java.io.BufferedReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.PatternSyntaxException;

/**
 * Reads a question set: JSON Lines, one {@link EvalQuestion} per line, blank lines skipped. Strict,
 * because a typo in a key (say {@code expected_doc}) would otherwise silently score nothing: an
 * unknown key, a wrong type, a duplicate id or a regular expression that does not compile is an
 * {@link IllegalArgumentException} naming the line and the key.
 */
public final class EvalQuestions {

    /** A line longer than this is refused as soon as it is that long, not read whole into memory. */
    static final int MAX_LINE_CHARS = 1 << 20;
    static final int MAX_QUESTIONS = 100_000;
    private static final Set<String> KEYS = Set.of("id", "kind", "question", "history", "expected_docs",
            "expected_facts", "should_refuse", "notes");
    /** Strict: a second object on the line or a key given twice is an error, not silently dropped. */
    static final ObjectMapper JSON = JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

    private EvalQuestions() {}

    /** Every question of {@code in}, in order; {@code source} names it in error messages. */
    public static List<EvalQuestion> read(BufferedReader in, String source) throws IOException {
        List<EvalQuestion> out = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        BoundedLines lines = new BoundedLines(in, MAX_LINE_CHARS, source);
        String line;
        while ((line = lines.next()) != null) {
            int number = lines.number();
            if (line.isBlank()) {
                continue;
            }
            String where = source + " line " + number;
            if (out.size() == MAX_QUESTIONS) {
                throw new IllegalArgumentException(source + ": more than " + MAX_QUESTIONS + " questions");
            }
            EvalQuestion q = parse(line, where, "line-" + number);
            if (!ids.add(q.id())) {
                throw new IllegalArgumentException(where + ": id '" + q.id() + "' is used by an earlier line");
            }
            out.add(q);
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException(source + ": no questions");
        }
        return List.copyOf(out);
    }

    static EvalQuestion parse(String line, String where, String defaultId) {
        JsonNode node;
        try {
            node = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(where + ": not JSON (" + e.getOriginalMessage() + ")");
        }
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException(where + ": must be a JSON object");
        }
        for (var names = node.fieldNames(); names.hasNext(); ) {
            String key = names.next();
            if (!KEYS.contains(key)) {
                throw new IllegalArgumentException(where + ": unknown key '" + key + "' (known: " + String.join(", ",
                        KEYS.stream().sorted().toList()) + ")");
            }
        }
        String id = optionalText(node, "id", where);
        String question = optionalText(node, "question", where);
        if (question == null || question.isBlank()) {
            throw new IllegalArgumentException(where + ": 'question' is required (a non-empty string)");
        }
        boolean refuse = false;
        if (node.has("should_refuse")) {
            if (!node.get("should_refuse").isBoolean()) {
                throw new IllegalArgumentException(where + ": 'should_refuse' must be true or false");
            }
            refuse = node.get("should_refuse").booleanValue();
        }
        List<String> docs = strings(node, "expected_docs", where);
        List<Fact> facts = facts(node, where);
        if (refuse && (!docs.isEmpty() || !facts.isEmpty())) {
            throw new IllegalArgumentException(where + ": a question that should be refused names no expected_docs"
                    + " or expected_facts");
        }
        return new EvalQuestion(id == null || id.isBlank() ? defaultId : id, optionalText(node, "kind", where), question,
                history(node, where), docs, facts, refuse);
    }

    private static String optionalText(JsonNode node, String key, String where) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw new IllegalArgumentException(where + ": '" + key + "' must be a string");
        }
        return v.textValue();
    }

    private static List<String> strings(JsonNode node, String key, String where) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            return List.of();
        }
        if (!v.isArray()) {
            throw new IllegalArgumentException(where + ": '" + key + "' must be a list of strings");
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            if (!v.get(i).isTextual() || v.get(i).textValue().isBlank()) {
                throw new IllegalArgumentException(where + ": " + key + "[" + i + "] must be a non-empty string");
            }
            out.add(v.get(i).textValue());
        }
        return out;
    }

    private static List<Fact> facts(JsonNode node, String where) {
        JsonNode v = node.get("expected_facts");
        if (v == null || v.isNull()) {
            return List.of();
        }
        if (!v.isArray()) {
            throw new IllegalArgumentException(where + ": 'expected_facts' must be a list");
        }
        List<Fact> out = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            JsonNode f = v.get(i);
            String at = where + ": expected_facts[" + i + "]";
            if (f.isTextual() && !f.textValue().isBlank()) {
                out.add(Fact.plain(f.textValue()));
            } else if (f.isObject() && f.size() == 1 && f.path("regex").isTextual() && !f.get("regex").textValue().isEmpty()) {
                try {
                    out.add(Fact.regex(f.get("regex").textValue()));
                } catch (PatternSyntaxException e) {
                    throw new IllegalArgumentException(at + ": not a valid regular expression ("
                            + e.getDescription() + ")");
                }
            } else {
                throw new IllegalArgumentException(at + " must be a non-empty string or {\"regex\": \"...\"}");
            }
        }
        return out;
    }

    private static List<Message> history(JsonNode node, String where) {
        JsonNode v = node.get("history");
        if (v == null || v.isNull()) {
            return List.of();
        }
        if (!v.isArray()) {
            throw new IllegalArgumentException(where + ": 'history' must be a list of {role, content}");
        }
        List<Message> out = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            JsonNode m = v.get(i);
            String at = where + ": history[" + i + "]";
            String role = m.path("role").isTextual() ? m.get("role").textValue().toLowerCase(Locale.ROOT) : "";
            if (!m.path("content").isTextual()) {
                throw new IllegalArgumentException(at + ".content must be a string");
            }
            String content = m.get("content").textValue();
            switch (role) {
                case "user" -> out.add(Message.user(content));
                case "assistant" -> out.add(Message.assistant(content));
                default -> throw new IllegalArgumentException(at + ".role must be user or assistant");
            }
        }
        return out;
    }
}
