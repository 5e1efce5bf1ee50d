package dev.ragd.eval;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Tells a refusal ("I could not find this in the documents…") from an answer, by the phrases in
 * {@code /eval/refusals.txt} (one case-insensitive regular expression per line): ragd's own
 * not-found answer, and the ways models and the mock say the sources do not answer.
 */
public final class Refusals {

    private static final String RESOURCE = "/eval/refusals.txt";
    private final List<Pattern> patterns;

    Refusals(List<Pattern> patterns) {
        this.patterns = List.copyOf(patterns);
    }

    /** The shipped phrases. */
    public static Refusals standard() {
        try (InputStream in = Refusals.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + RESOURCE);
            }
            return new Refusals(new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().map(String::strip)
                    .filter(l -> !l.isEmpty() && !l.startsWith("#"))
                    .map(l -> Pattern.compile(l, Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE)).toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** True when {@code answer} declines to answer; an empty answer (an error) is not a refusal. */
    public boolean isRefusal(String answer) {
        if (answer.isBlank()) {
            return false;
        }
        return patterns.stream().anyMatch(p -> p.matcher(answer).find());
    }
}
