package dev.ragd.eval;

import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Something an answer must contain: a plain string, matched case-insensitively as a substring, or a
 * regular expression, matched case-insensitively anywhere in the answer.
 *
 * @param text  the string or the regular expression's source, as written in the question set
 * @param regex the compiled expression, or {@code null} for a plain string
 */
public record Fact(String text, Pattern regex) {

    public Fact {
        Objects.requireNonNull(text, "text");
    }

    public static Fact plain(String text) {
        return new Fact(text, null);
    }

    /** @throws java.util.regex.PatternSyntaxException when {@code source} is not a valid expression */
    public static Fact regex(String source) {
        return new Fact(source, Pattern.compile(source, Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE));
    }

    public boolean isRegex() {
        return regex != null;
    }

    /** True when {@code answer} contains this fact. */
    public boolean foundIn(String answer) {
        if (regex != null) {
            return regex.matcher(answer).find();
        }
        return answer.toLowerCase(Locale.ROOT).contains(text.toLowerCase(Locale.ROOT));
    }

    /** How the fact is shown in reports: the string, or {@code /regex/}. */
    public String shown() {
        return regex != null ? "/" + text + "/" : text;
    }
}
