package dev.ragd.llm;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/** Recognises questions that lean on an earlier turn ("And how much is it?") without a model. */
public final class FollowUps {

    private static final Pattern FOLLOW_UP =
            Pattern.compile("(?i)^\\W*(?:and|also|what about|how about)\\b|\\b(?:it|its|they|them|their)\\b");

    private FollowUps() {}

    /** True when the question starts like a continuation or refers back with a pronoun. */
    public static boolean isFollowUp(String question) {
        return FOLLOW_UP.matcher(question).find();
    }

    /** The latest user turn in {@code history} (oldest first), if any. */
    public static Optional<String> previousQuestion(List<Message> history) {
        for (int i = history.size() - 1; i >= 0; i--) {
            if (history.get(i).role() == Message.Role.USER && !history.get(i).content().isBlank()) {
                return Optional.of(history.get(i).content().strip());
            }
        }
        return Optional.empty();
    }
}
