package dev.ragd.llm;

import java.util.Set;

/**
 * One answer candidate cut from a passage: a prose sentence or a structured {@code Key: value} line.
 *
 * @param passage  0-based index of the passage in the request
 * @param position order of the candidate within its passage
 * @param text     the sentence or line, whitespace collapsed
 * @param record   true for a {@code Key: value} line of a structured record
 * @param terms    analysed (lower-cased, stemmed, stop-word free) terms of {@code text}
 */
record Candidate(int passage, int position, String text, boolean record, Set<String> terms) {

    int words() {
        return text.isBlank() ? 0 : text.trim().split("\\s+").length;
    }
}
