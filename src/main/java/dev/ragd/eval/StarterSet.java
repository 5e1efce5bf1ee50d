package dev.ragd.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ragd.retrieval.Passage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes a starter question set from an index's structured records: for a document with a title
 * and {@code Label: value} lines (what ingesting CSV, JSON Lines or SQL records with metadata
 * columns produces), "what is the Label of Title?" questions — "who made Title?" for a maker,
 * "how much does Title cost?" for a price — each expecting that document and that value. Free-text
 * documents give no questions: their facts are not marked. Deterministic: the same index gives the
 * same set.
 */
public final class StarterSet {

    private static final Pattern FIELD = Pattern.compile("(?m)^([A-Z][\\p{L}\\p{N} ]{0,39}):[ \\t]+(\\S.{0,79})$");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A document: its id, title and whole text (its chunks joined). */
    public record Doc(String id, String title, String text) {}

    private StarterSet() {}

    /** The documents of {@code chunks} (in index order, chunks of one document joined in order). */
    public static List<Doc> documents(List<Passage> chunks) {
        Map<String, Doc> docs = new LinkedHashMap<>();
        for (Passage p : chunks) {
            docs.merge(p.docId(), new Doc(p.docId(), p.title(), p.text()),
                    (a, b) -> new Doc(a.id(), a.title() != null ? a.title() : b.title(), a.text() + "\n" + b.text()));
        }
        return List.copyOf(docs.values());
    }

    /**
     * Up to {@code perDocument} questions per document and {@code limit} in all, as question-set
     * JSON Lines. Each document starts at a different field, so the set covers many kinds of field.
     */
    public static List<String> lines(List<Doc> docs, int perDocument, int limit) {
        List<String> out = new ArrayList<>();
        int d = 0;
        for (Doc doc : docs) {
            if (doc.title() == null || doc.title().isBlank()) {
                continue;
            }
            List<String[]> fields = new ArrayList<>();
            Matcher m = FIELD.matcher(doc.text());
            while (m.find()) {
                String label = m.group(1).strip();
                String value = m.group(2).strip();
                if (!value.equalsIgnoreCase(doc.title().strip()) && fields.stream().noneMatch(f -> f[0].equals(label))) {
                    fields.add(new String[] {label, value});
                }
            }
            for (int i = 0; i < Math.min(perDocument, fields.size()) && out.size() < limit; i++) {
                String[] f = fields.get((d + i) % fields.size());
                ObjectNode q = JSON.createObjectNode();
                q.put("id", String.format(Locale.ROOT, "gen-%04d", out.size() + 1));
                q.put("kind", "attribute");
                q.put("question", question(f[0], doc.title().strip()));
                q.putArray("expected_docs").add(doc.id());
                q.putArray("expected_facts").add(f[1]);
                out.add(q.toString());
            }
            d++;
            if (out.size() >= limit) {
                break;
            }
        }
        return out;
    }

    /** The question for a field of a titled document. */
    static String question(String label, String title) {
        String l = label.toLowerCase(Locale.ROOT);
        String the = title.toLowerCase(Locale.ROOT).startsWith("the ") ? title : "the " + title;
        if (l.matches(".*\\b(manufacturer|maker|brand|made by|vendor|author|publisher|creator)\\b.*")) {
            return "Who made " + the + "?";
        }
        if (l.matches(".*\\b(price|cost)\\b.*")) {
            return "How much does " + the + " cost?";
        }
        if (l.matches(".*\\b(colou?r)\\b.*")) {
            return "What colour is " + the + "?";
        }
        if (l.matches(".*\\bmaterial\\b.*")) {
            return "What is " + the + " made of?";
        }
        if (l.matches(".*\\bweight\\b.*")) {
            return "How heavy is " + the + "?";
        }
        if (l.matches(".*\\bwarranty\\b.*")) {
            return "What is the warranty of " + the + "?";
        }
        return "What is the " + l + " of " + the + "?";
    }
}
