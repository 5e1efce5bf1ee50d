package dev.ragd.llm.extractive;

import java.util.Set;

/**
 * One piece of a passage that may be quoted: a prose sentence, a structured {@code Key: value}
 * line, or a heading (headings give context but are never quoted).
 *
 * @param passage  0-based index of the passage in the request
 * @param position order of the piece within its passage
 * @param text     the sentence or line, whitespace collapsed, Markdown syntax removed
 * @param kind     what the piece is
 * @param terms    analysed (lower-cased, stemmed, stop-word free) terms of {@code text}
 * @param section  terms of the nearest Markdown heading above the piece in the passage; empty when
 *                 there is none
 * @param lead     whether the piece is the first quotable one under a level-2 or deeper heading
 */
record Candidate(int passage, int position, String text, Kind kind, Set<String> terms, Set<String> section,
                 boolean lead) {

    enum Kind { PROSE, RECORD, HEADING }

    boolean record() {
        return kind == Kind.RECORD;
    }

    int words() {
        return text.isBlank() ? 0 : text.strip().split("\\s+").length;
    }

    /** The key of a record line ({@code Price usd} of {@code Price usd: 49.00}); empty for other kinds. */
    String key() {
        return record() ? text.substring(0, text.indexOf(':')).strip() : "";
    }
}
