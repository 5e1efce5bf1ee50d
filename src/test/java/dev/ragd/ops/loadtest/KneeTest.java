package dev.ragd.ops.loadtest;

import static dev.ragd.ops.loadtest.Steps.errors;
import static dev.ragd.ops.loadtest.Steps.step;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KneeTest {

    @Test
    void theKneeIsTheLargestUserCountMeetingTheTargetBeforeTheFirstMiss() {
        List<StepResult> steps = List.of(step(1_000, 2_400), step(10, 350), step(100, 620));

        Knee knee = Knee.find(steps, Target.DEFAULT);

        assertThat(knee.users()).isEqualTo(100);
        assertThat(knee.firstMiss()).get().extracting(StepResult::users).isEqualTo(1_000);
        assertThat(knee.describe()).contains("The knee is 100 users: p95 time to first token 620 ms")
                .contains("At 1000 users the target was missed: p95 time to first token 2400 ms is not under 1000 ms");
        assertThat(knee.summaryLine()).isEqualTo("knee_users=100 p95_ttft_ms=620 errors=0.0000");
    }

    @Test
    void whenNoStepMeetsTheTargetTheKneeIsZeroAndSaysSo() {
        Knee knee = Knee.find(List.of(step(10, 1_200), step(100, 3_000)), Target.DEFAULT);

        assertThat(knee.users()).isZero();
        assertThat(knee.step()).isEmpty();
        assertThat(knee.describe()).startsWith("No step met the target (p95 time to first token < 1000 ms with < 0.10% "
                + "errors): the knee is 0 users.");
        assertThat(knee.summaryLine()).as("the first miss's numbers").isEqualTo("knee_users=0 p95_ttft_ms=1200 errors=0.0000");
    }

    @Test
    void whenEveryStepMeetsTheTargetTheKneeIsTheLargestAndTheReportSaysRampFurther() {
        Knee knee = Knee.find(List.of(step(10, 300), step(100, 400), step(1_000, 900)), Target.DEFAULT);

        assertThat(knee.users()).isEqualTo(1_000);
        assertThat(knee.allMet()).isTrue();
        assertThat(knee.describe()).contains("Every step met the target").contains("ramp further");
    }

    @Test
    void aLargerCountMeetingTheTargetAfterAMissDoesNotMoveTheKneeButIsReportedAsNoise() {
        StepResult erring = errors(step(100, 500), Map.of("busy", 3L)); // 3 of 1500 = 0.2%
        Knee knee = Knee.find(List.of(step(10, 300), erring, step(1_000, 800)), Target.DEFAULT);

        assertThat(knee.users()).isEqualTo(10);
        assertThat(knee.laterMet()).isEqualTo(1_000);
        assertThat(knee.describe()).contains("errors 0.20% (3 of 1500) are not under 0.10%")
                .contains("1000 users met the target again after the miss: the run is noisy");
    }

    @Test
    void aRepeatedUserCountCountsOnlyWhenEveryRunOfItMeetsTheTarget() {
        Knee knee = Knee.find(List.of(step(10, 300), step(100, 400), step(100, 1_500)), Target.DEFAULT);

        assertThat(knee.users()).isEqualTo(10);
    }

    @Test
    void aStepThatSentNothingMissesAndTheTargetIsConfigurable() {
        StepResult nothing = new StepResult(50, 60, 0, 0, 0, 0, 0, 0, 0, 0, Map.of(), -1, -1, null);
        Target loose = new Target(2_500, 0.01);

        assertThat(Knee.find(List.of(step(10, 300), nothing), Target.DEFAULT).users()).isEqualTo(10);
        assertThat(Knee.find(List.of(step(10, 300), step(100, 2_400)), loose).users()).isEqualTo(100);
        assertThat(Knee.find(List.of(errors(step(10, 300), Map.of("timeout", 1L))), loose).users()).isEqualTo(10);
        assertThatThrownBy(() -> new Target(0, 0.001)).hasMessageContaining("more than 0 ms");
        assertThatThrownBy(() -> new Target(1_000, 0)).hasMessageContaining("error share");
    }
}
