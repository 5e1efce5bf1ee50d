package dev.ragd.llm;

import java.util.Set;

/**
 * One piece of a passage that may be quoted: a prose sentence, a structured {@code Key: value}
 * line, or a heading (headings give context but are never quoted).
 *
 * @param passage  0-based index of the passage in the request
 * @param position order of the piece within its passage
 * @param text     the sentence or line, whitespace collapsed
 * @param kind     what the piece is
 * @param terms    analysed (lower-cased, stemmed, stop-word free) terms of {@code text}
 */
record Candidate(int passage, int position, String text, Kind kind, Set<String> terms) {

    enum Kind { PROSE, RECORD, HEADING }

    boolean record() {
        return kind == Kind.RECORD;
    }

    int words() {
        return text.isBlank() ? 0 : text.strip().split("\\s+").length;
    }
}
