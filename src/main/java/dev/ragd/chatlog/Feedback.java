package dev.ragd.chatlog;

import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A user's rating of one answer, kept on its chat-log record ({@link ChatRecord#feedback()}). A new
 * rating of the same answer replaces the old one (last one wins). Bounded so that no client can
 * grow a record without limit.
 *
 * @param rating     up or down
 * @param reason     free text, at most {@value #MAX_REASON_CHARS} characters, or {@code null}
 * @param categories short tags ({@code wrong}, {@code outdated}…): at most {@value #MAX_CATEGORIES}
 *                   distinct ones, each lower-case letters, digits, {@code -} or {@code _}, starting with
 *                   a letter or digit, at most {@value #MAX_CATEGORY_CHARS} characters
 * @param at         when the rating was given (server time)
 */
public record Feedback(Rating rating, String reason, List<String> categories, Instant at) {

    public static final int MAX_REASON_CHARS = 1000;
    public static final int MAX_CATEGORIES = 8;
    public static final int MAX_CATEGORY_CHARS = 40;
    private static final Pattern CATEGORY = Pattern.compile("[a-z0-9][a-z0-9_-]*");

    /** How the user found the answer. */
    public enum Rating { up, down }

    /**
     * @throws IllegalArgumentException naming the field and the rule it breaks
     */
    public Feedback {
        Objects.requireNonNull(rating, "rating");
        Objects.requireNonNull(at, "at");
        if (reason != null && reason.isBlank()) {
            reason = null;
        }
        if (reason != null && reason.length() > MAX_REASON_CHARS) {
            throw new IllegalArgumentException("reason must be at most " + MAX_REASON_CHARS + " characters, got "
                    + reason.length());
        }
        if (categories != null && categories.stream().anyMatch(Objects::isNull)) {
            throw new IllegalArgumentException("categories must not hold null");
        }
        categories = categories == null ? List.of() : List.copyOf(new LinkedHashSet<>(categories));
        if (categories.size() > MAX_CATEGORIES) {
            throw new IllegalArgumentException("categories must hold at most " + MAX_CATEGORIES + " values, got "
                    + categories.size());
        }
        for (String c : categories) {
            if (c.length() > MAX_CATEGORY_CHARS || !CATEGORY.matcher(c).matches()) {
                throw new IllegalArgumentException("each category must be 1 to " + MAX_CATEGORY_CHARS
                        + " lower-case letters, digits, - or _ (starting with a letter or digit)");
            }
        }
    }
}
