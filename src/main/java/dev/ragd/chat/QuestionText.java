package dev.ragd.chat;

import java.text.Normalizer;

/** What makes a question's text worth searching for. */
final class QuestionText {

    private QuestionText() {}

    /**
     * True when {@code text} has at least one letter or digit, in any script, after NFKC
     * normalisation (so compatibility forms such as {@code ①} or full-width letters count). A
     * question of only blanks, invisible format characters (zero-width space, bidi overrides),
     * control characters, lone surrogates, punctuation or emoji has nothing to search for: the
     * embedding model refuses such text as blank, which is the client's mistake, not a failure.
     */
    static boolean hasLetterOrDigit(String text) {
        String normal = Normalizer.normalize(text, Normalizer.Form.NFKC);
        return normal.codePoints().anyMatch(Character::isLetterOrDigit);
    }
}
