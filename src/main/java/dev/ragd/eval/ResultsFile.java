package dev.ragd.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Per-question results as JSON Lines: what {@code ragd eval --out} writes and {@code --compare}
 * reads back as a baseline. Metrics that do not apply to a question are left out, not written as 0.
 */
public final class ResultsFile {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ResultsFile() {}

    public static void write(List<QuestionResult> results, Writer out) throws IOException {
        for (QuestionResult r : results) {
            out.write(JSON.writeValueAsString(toJson(r)));
            out.write('\n');
        }
        out.flush();
    }

    static ObjectNode toJson(QuestionResult r) {
        ObjectNode o = JSON.createObjectNode();
        o.put("id", r.id());
        o.put("kind", r.kind());
        o.put("question", r.question());
        o.set("expected_docs", JSON.valueToTree(r.expectedDocs()));
        o.set("expected_facts", JSON.valueToTree(r.expectedFacts()));
        o.put("should_refuse", r.shouldRefuse());
        o.put("answer", r.answer());
        o.set("source_docs", JSON.valueToTree(r.sourceDocs()));
        o.set("cited", JSON.valueToTree(r.cited()));
        o.put("refused", r.refused());
        if (r.error() != null) {
            o.put("error", r.error());
        }
        ObjectNode metrics = o.putObject("metrics");
        for (String m : Metrics.QUALITY) {
            if (r.metrics().containsKey(m)) {
                metrics.put(m, r.metrics().get(m));
            }
        }
        if (!r.reasons().isEmpty()) {
            ObjectNode reasons = o.putObject("reasons");
            for (String m : Metrics.JUDGED) {
                if (r.reasons().containsKey(m)) {
                    reasons.put(m, r.reasons().get(m));
                }
            }
        }
        if (r.totalMs() != null) {
            o.put("total_ms", r.totalMs());
            o.put("first_token_ms", r.firstTokenMs());
            o.put("prompt_tokens", r.promptTokens());
            o.put("completion_tokens", r.completionTokens());
        }
        return o;
    }

    /** Reads a results file; {@code source} names it in error messages. */
    public static List<QuestionResult> read(BufferedReader in, String source) throws IOException {
        List<QuestionResult> out = new ArrayList<>();
        BoundedLines lines = new BoundedLines(in, EvalQuestions.MAX_LINE_CHARS * 4, source);
        String line;
        while ((line = lines.next()) != null) {
            int number = lines.number();
            if (line.isBlank()) {
                continue;
            }
            JsonNode n;
            try {
                n = EvalQuestions.JSON.readTree(line);
            } catch (IOException e) {
                throw new IllegalArgumentException(source + " line " + number + ": not JSON");
            }
            if (!n.isObject() || !n.path("id").isTextual() || !n.path("metrics").isObject()) {
                throw new IllegalArgumentException(source + " line " + number
                        + ": not an eval result (needs \"id\" and \"metrics\"; is it a results.jsonl of ragd eval?)");
            }
            Map<String, Double> metrics = new LinkedHashMap<>();
            n.get("metrics").properties().forEach(e -> {
                if (e.getValue().isNumber()) {
                    metrics.put(e.getKey(), e.getValue().asDouble());
                }
            });
            Map<String, String> reasons = new LinkedHashMap<>();
            n.path("reasons").properties().forEach(e -> reasons.put(e.getKey(), e.getValue().asText()));
            out.add(new QuestionResult(n.get("id").textValue(), n.path("kind").asText(""), n.path("question").asText(""),
                    strings(n.path("expected_docs")), strings(n.path("expected_facts")), n.path("should_refuse").asBoolean(),
                    n.path("answer").asText(""), strings(n.path("source_docs")), ints(n.path("cited")),
                    n.path("refused").asBoolean(), n.hasNonNull("error") ? n.get("error").asText() : null, metrics, reasons,
                    n.hasNonNull("total_ms") ? n.get("total_ms").asLong() : null,
                    n.hasNonNull("first_token_ms") ? n.get("first_token_ms").asLong() : null,
                    n.hasNonNull("prompt_tokens") ? n.get("prompt_tokens").asInt() : null,
                    n.hasNonNull("completion_tokens") ? n.get("completion_tokens").asInt() : null));
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException(source + ": no results");
        }
        return out;
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(e -> out.add(e.asText()));
        return out;
    }

    private static List<Integer> ints(JsonNode array) {
        List<Integer> out = new ArrayList<>();
        array.forEach(e -> out.add(e.asInt()));
        return out;
    }
}
