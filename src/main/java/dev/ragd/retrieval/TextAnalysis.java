package dev.ragd.retrieval;

import java.util.List;
import java.util.Locale;
import org.apache.lucene.analysis.CharArraySet;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.standard.StandardAnalyzer;

/** The analyzer an index is built with; recorded in the index so queries use the same one. */
public enum TextAnalysis {
    /**
     * Porter stemming ("warranties" matches "warranty"), possessives, and Lucene's English stop
     * words plus the question and pronoun words of chat questions ("what", "how", "my", ...), which
     * otherwise make FAQ-style pages match every question.
     */
    ENGLISH,
    /** Lower-cased Unicode word tokens, no stemming, no stop words. */
    STANDARD;

    public Analyzer newAnalyzer() {
        return switch (this) {
            case ENGLISH -> new EnglishAnalyzer(QUESTION_STOP_WORDS);
            case STANDARD -> new StandardAnalyzer();
        };
    }

    private static final CharArraySet QUESTION_STOP_WORDS = stopWords();

    private static CharArraySet stopWords() {
        CharArraySet set = new CharArraySet(EnglishAnalyzer.ENGLISH_STOP_WORDS_SET, true);
        set.addAll(List.of("i", "me", "my", "mine", "you", "your", "we", "our", "us", "what", "which", "who",
                "whom", "how", "when", "where", "why", "do", "does", "did", "can", "could", "would", "should",
                "shall", "may", "might", "must", "much", "many", "have", "has", "had", "am", "been", "being",
                "any", "some", "so", "about", "from", "up", "than", "too", "very", "just", "also", "all", "get",
                "got", "want", "need", "please", "tell", "know", "s", "its", "it's", "what's", "i'm", "there's"));
        return CharArraySet.unmodifiableSet(set);
    }

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static TextAnalysis fromId(String id) {
        for (TextAnalysis a : values()) {
            if (a.id().equalsIgnoreCase(id)) {
                return a;
            }
        }
        throw new IllegalArgumentException("unknown analyzer '" + id + "' (known: english, standard)");
    }
}
