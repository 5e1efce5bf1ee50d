package dev.ragd.retrieval;

import java.util.Locale;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.standard.StandardAnalyzer;

/** The analyzer an index is built with; recorded in the index so queries use the same one. */
public enum TextAnalysis {
    /** Stop words, possessives and Porter stemming: "warranties" matches "warranty". */
    ENGLISH,
    /** Lower-cased Unicode word tokens, no stemming, no stop words. */
    STANDARD;

    public Analyzer newAnalyzer() {
        return switch (this) {
            case ENGLISH -> new EnglishAnalyzer();
            case STANDARD -> new StandardAnalyzer();
        };
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
