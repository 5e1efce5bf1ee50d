package dev.ragd.chatlog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ragd.chatlog.Feedback.Rating;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class FeedbackTest {

    private static final Instant AT = Instant.parse("2026-12-03T09:00:00Z");

    @Test
    void aBlankReasonIsNoReasonAndRepeatedCategoriesAreKeptOnceInOrder() {
        Feedback f = new Feedback(Rating.down, "   ", List.of("wrong", "slow", "wrong"), AT);

        assertThat(f.reason()).isNull();
        assertThat(f.categories()).containsExactly("wrong", "slow");
        assertThat(new Feedback(Rating.up, null, null, AT).categories()).isEmpty();
    }

    @Test
    void aReasonOverTheLimitIsRefusedNamingTheLimit() {
        String max = "x".repeat(Feedback.MAX_REASON_CHARS);
        assertThat(new Feedback(Rating.down, max, List.of(), AT).reason()).hasSize(Feedback.MAX_REASON_CHARS);

        assertThatThrownBy(() -> new Feedback(Rating.down, max + "x", List.of(), AT))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("reason must be at most 1000 characters, got 1001");
    }

    @Test
    void tooManyCategoriesAreRefused() {
        List<String> nine = IntStream.range(0, Feedback.MAX_CATEGORIES + 1).mapToObj(i -> "c" + i).toList();

        assertThatThrownBy(() -> new Feedback(Rating.down, null, nine, AT))
                .hasMessage("categories must hold at most 8 values, got 9");
    }

    @Test
    void categoriesThatAreNotShortLowerCaseTagsAreRefused() {
        for (String bad : List.of("", "Wrong", "two words", "-lead", "x".repeat(41), "é", "a/b", "<script>")) {
            assertThatThrownBy(() -> new Feedback(Rating.down, null, List.of(bad), AT)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("each category must be");
        }
        assertThatThrownBy(() -> new Feedback(Rating.down, null, Arrays.asList("ok", null), AT))
                .hasMessage("categories must not hold null");
        assertThat(new Feedback(Rating.up, null, List.of("x".repeat(40), "a_b-9"), AT).categories()).hasSize(2);
    }
}
