package dev.ragd.mock;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DecisionsTest {

    private static List<Decision> draw(Decisions d, int n, boolean streaming) {
        List<Decision> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(d.next(streaming));
        }
        return out;
    }

    @Test
    void noFailureRatesAnswerEveryRequest() {
        assertThat(draw(new Decisions(1, 0, 0, 0), 500, true))
                .allMatch(d -> d.kind() == Decision.Kind.ANSWER);
    }

    @Test
    void rate429OfOneLimitsEveryRequestEvenWhenOtherRatesAreOne() {
        assertThat(draw(new Decisions(1, 1.0, 1.0, 1.0), 200, true))
                .allMatch(d -> d.kind() == Decision.Kind.RATE_LIMITED);
    }

    @Test
    void rate5xxOfOneGivesBoth500And503() {
        List<Decision> all = draw(new Decisions(3, 0, 1.0, 0), 200, false);

        assertThat(all).allMatch(d -> d.kind() == Decision.Kind.ERROR_500 || d.kind() == Decision.Kind.ERROR_503);
        assertThat(all).anyMatch(d -> d.kind() == Decision.Kind.ERROR_500).anyMatch(d -> d.kind() == Decision.Kind.ERROR_503);
    }

    @Test
    void stallsApplyToStreamsOnly() {
        assertThat(draw(new Decisions(1, 0, 0, 1.0), 100, false)).allMatch(d -> d.kind() == Decision.Kind.ANSWER);
        assertThat(draw(new Decisions(1, 0, 0, 1.0), 100, true)).allMatch(d -> d.kind() == Decision.Kind.STALL);
    }

    @Test
    void sharesAreRoughlyHonoured() {
        List<Decision> all = draw(new Decisions(42, 0.3, 0, 0), 2000, true);

        long limited = all.stream().filter(d -> d.kind() == Decision.Kind.RATE_LIMITED).count();
        assertThat(limited).isBetween(500L, 700L);
    }

    @Test
    void sameSeedGivesTheSameSequenceAndOtherSeedsAnother() {
        List<Decision> a = draw(new Decisions(7, 0.3, 0.3, 0.3), 300, true);
        List<Decision> b = draw(new Decisions(7, 0.3, 0.3, 0.3), 300, true);
        List<Decision> c = draw(new Decisions(8, 0.3, 0.3, 0.3), 300, true);

        assertThat(a).isEqualTo(b).isNotEqualTo(c);
    }

    @Test
    void restartReplaysTheSequenceFromTheSeed() {
        Decisions d = new Decisions(11, 0.5, 0.2, 0.2);
        List<Decision> first = draw(d, 100, true);

        d.restart();

        assertThat(draw(d, 100, true)).isEqualTo(first);
    }

    @Test
    void aStalledStreamSendsSomeButNotAllTokens() {
        assertThat(new Decision(Decision.Kind.STALL, 0.2).stallAfter(10)).isEqualTo(2);
        assertThat(new Decision(Decision.Kind.STALL, 0.01).stallAfter(10)).isEqualTo(1);
        assertThat(new Decision(Decision.Kind.STALL, 0.99).stallAfter(10)).isEqualTo(9);
        assertThat(new Decision(Decision.Kind.STALL, 0.5).stallAfter(1)).isZero();
    }
}
