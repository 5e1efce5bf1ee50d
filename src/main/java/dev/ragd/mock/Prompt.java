package dev.ragd.mock;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/** The chat messages of a request reduced to role and text, plus the word helpers the answerer uses. */
record Prompt(List<Turn> turns) {

    record Turn(String role, String text) {}

    private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{N}]+");
    private static final Set<String> STOP = Set.of("a", "an", "the", "and", "or", "of", "to", "in", "on", "at",
            "for", "by", "with", "is", "are", "was", "were", "be", "been", "it", "its", "this", "that", "these",
            "those", "what", "which", "who", "whom", "how", "why", "when", "where", "do", "does", "did", "can",
            "could", "should", "would", "will", "about", "from", "as", "into", "me", "my", "i", "you", "your",
            "we", "our", "they", "them", "their", "he", "she", "his", "her", "there", "than", "then", "so",
            "if", "not", "no", "yes", "any", "some", "all", "tell", "please", "title", "question", "answer");

    /**
     * Reads {@code messages}: each needs a string {@code role}; {@code content} may be a string, null,
     * or an array of parts whose {@code text} fields are joined.
     *
     * @throws IllegalArgumentException naming the bad field
     */
    static Prompt from(JsonArray messages) {
        List<Turn> turns = new ArrayList<>();
        for (int i = 0; i < messages.size(); i++) {
            if (!(messages.getValue(i) instanceof JsonObject m)) {
                throw new IllegalArgumentException("messages[" + i + "]");
            }
            if (!(m.getValue("role") instanceof String role)) {
                throw new IllegalArgumentException("messages[" + i + "].role");
            }
            Object content = m.getValue("content");
            String text;
            if (content == null || content instanceof String) {
                text = content == null ? "" : (String) content;
            } else if (content instanceof JsonArray parts) {
                StringBuilder sb = new StringBuilder();
                for (Object p : parts) {
                    if (p instanceof JsonObject part && part.getValue("text") instanceof String t) {
                        sb.append(sb.isEmpty() ? "" : "\n").append(t);
                    }
                }
                text = sb.toString();
            } else {
                throw new IllegalArgumentException("messages[" + i + "].content");
            }
            turns.add(new Turn(role, text));
        }
        return new Prompt(List.copyOf(turns));
    }

    /** Index of the last user turn, or -1. */
    int lastUserIndex() {
        for (int i = turns.size() - 1; i >= 0; i--) {
            if ("user".equals(turns.get(i).role())) {
                return i;
            }
        }
        return -1;
    }

    /** True when a system (or developer) message contains the word "queries": the query rewriter's prompt. */
    boolean asksForQueries() {
        for (Turn t : turns) {
            if (("system".equals(t.role()) || "developer".equals(t.role()))
                    && words(t.text()).contains("queries")) {
                return true;
            }
        }
        return false;
    }

    private static final Pattern JUDGE = Pattern.compile("ragd-eval-judge, aspect: (\\w+)");

    /**
     * The aspect a {@code ragd eval} judge prompt asks about ({@code groundedness}, {@code relevance}):
     * its system message names it as {@code ragd-eval-judge, aspect: X}; {@code null} for any other prompt.
     */
    String judgeAspect() {
        for (Turn t : turns) {
            if ("system".equals(t.role()) || "developer".equals(t.role())) {
                var m = JUDGE.matcher(t.text());
                if (m.find()) {
                    return m.group(1);
                }
            }
        }
        return null;
    }

    /** True for prompts whose reply must not be padded to a length: search queries and verdicts. */
    boolean wantsExactReply() {
        return asksForQueries() || judgeAspect() != null;
    }

    /** Lower-cased words in order, stop words included. */
    static List<String> words(String text) {
        List<String> out = new ArrayList<>();
        var m = WORD.matcher(text.toLowerCase(Locale.ROOT));
        while (m.find()) {
            out.add(m.group());
        }
        return out;
    }

    /** Lower-cased words without stop words and one-letter words, in order, de-duplicated. */
    static List<String> contentWords(String text) {
        List<String> out = new ArrayList<>();
        for (String w : words(text)) {
            if (w.length() > 1 && !STOP.contains(w) && !out.contains(w)) {
                out.add(w);
            }
        }
        return out;
    }

    /** A rough token count: words plus punctuation marks, at least 1 for non-empty text. */
    static int approxTokens(String text) {
        int n = words(text).size();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!Character.isLetterOrDigit(c) && !Character.isWhitespace(c)) {
                n++;
            }
        }
        return text.isEmpty() ? 0 : Math.max(1, n);
    }
}
