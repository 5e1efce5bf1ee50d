package dev.ragd.llm.extractive;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.CharArraySet;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;

/**
 * Turns text into match terms with Lucene's {@link EnglishAnalyzer} (lower-casing, possessives,
 * stop words, Porter stemming), with common question words added to the stop words, and knows a
 * few synonyms typical of catalogue attributes ("cost" for "price"). Thread-safe.
 */
final class TermAnalyser {

    private static final List<String> QUESTION_WORDS = List.of(
            "what", "what's", "which", "who", "whom", "whose", "when", "where", "why", "how", "does", "do",
            "did", "done", "can", "could", "would", "should", "shall", "may", "might", "must", "i", "me",
            "my", "mine", "you", "your", "we", "our", "us", "he", "she", "his", "her", "its", "it's",
            "tell", "please", "about", "much", "many", "any", "some", "have", "has", "had", "am", "were",
            "been", "being", "from", "than", "so", "also", "here", "know", "give", "show", "find",
            "explain", "describe", "want", "need", "get", "let", "like", "just",
            // words naming the kind of answer wanted, not its content ("the return policy")
            "policy", "policies", "info", "information", "details", "detail");

    private static final List<List<String>> SYNONYMS = List.of(
            List.of("price", "cost", "pricing"),
            List.of("warranty", "guarantee"),
            List.of("weight", "weigh"),
            List.of("material", "fabric"),
            List.of("size", "dimensions"),
            List.of("colour", "color"),
            List.of("delivery", "shipping"),
            List.of("stock", "availability", "available"),
            List.of("country", "international", "abroad"));

    /**
     * Question phrasings that name a catalogue attribute without its word, rewritten before analysis:
     * "made of" asks for the material, "look after" for care, "how heavy" for the weight, "how much" (not
     * "how much does it weigh") for the price, "how big" for the size; "how long
     * until" only asks for a time, which the words of an answer do not repeat.
     */
    private static final List<Map.Entry<Pattern, String>> QUESTION_REWRITES = List.of(
            Map.entry(Pattern.compile("(?i)\\bmade\\s+(?:out\\s+of|of|from)\\b"), "material"),
            Map.entry(Pattern.compile("(?i)\\b(?:look(?:ing)?\\s+after|take\\s+care\\s+of)\\b"), "care"),
            Map.entry(Pattern.compile("(?i)\\bhow\\s+heavy\\b"), "weight"),
            Map.entry(Pattern.compile("(?i)\\bhow\\s+much\\b(?!.*\\b(?:weigh\\w*|cost\\w*|pric\\w*|heavy)\\b)"), "price"),
            Map.entry(Pattern.compile("(?i)\\bhow\\s+(?:big|large)\\b"), "size"),
            Map.entry(Pattern.compile("(?i)\\bhow\\s+(?:long|soon|fast|quickly|often)(?:\\s+until)?\\b"), "how"));

    private final Analyzer analyzer;
    private final Map<String, Set<String>> synonyms = new HashMap<>();

    TermAnalyser() {
        CharArraySet stop = new CharArraySet(EnglishAnalyzer.ENGLISH_STOP_WORDS_SET, true);
        stop.addAll(QUESTION_WORDS);
        analyzer = new EnglishAnalyzer(stop);
        for (List<String> group : SYNONYMS) {
            List<String> stems = group.stream().flatMap(w -> terms(w).stream()).distinct().toList();
            for (String stem : stems) {
                Set<String> others = synonyms.computeIfAbsent(stem, k -> new LinkedHashSet<>());
                stems.stream().filter(s -> !s.equals(stem)).forEach(others::add);
            }
        }
    }

    /** Analysed terms of a question, after rewriting attribute phrasings ("made of": material). */
    List<String> questionTerms(String question) {
        String q = question == null ? "" : question;
        for (Map.Entry<Pattern, String> rewrite : QUESTION_REWRITES) {
            q = rewrite.getKey().matcher(q).replaceAll(rewrite.getValue());
        }
        return terms(q);
    }

    /** Analysed terms of a text, in order, with repeats; empty for null or blank text. */
    List<String> terms(String text) {
        List<String> out = new ArrayList<>();
        if (text == null || text.isBlank()) {
            return out;
        }
        try (TokenStream ts = analyzer.tokenStream("text", text)) {
            CharTermAttribute term = ts.addAttribute(CharTermAttribute.class);
            ts.reset();
            while (ts.incrementToken()) {
                out.add(term.toString());
            }
            ts.end();
        } catch (IOException e) {
            throw new UncheckedIOException("analysing text failed", e); // cannot happen for strings
        }
        return out;
    }

    /**
     * Synonym terms for the given terms, mapped to the term they stand in for; terms already present
     * are left out. Ordered, so results are deterministic.
     */
    Map<String, String> alternates(List<String> terms) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String term : terms) {
            for (String alt : synonyms.getOrDefault(term, Set.of())) {
                if (!terms.contains(alt)) {
                    out.putIfAbsent(alt, term);
                }
            }
        }
        return out;
    }
}
