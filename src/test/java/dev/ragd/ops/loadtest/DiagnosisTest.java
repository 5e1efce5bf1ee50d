package dev.ragd.ops.loadtest;

import static dev.ragd.ops.loadtest.Steps.cpu;
import static dev.ragd.ops.loadtest.Steps.errors;
import static dev.ragd.ops.loadtest.Steps.metrics;
import static dev.ragd.ops.loadtest.Steps.step;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DiagnosisTest {

    private static final int CORES = 2;

    private static List<Finding> diagnose(List<StepResult> steps, List<StepResult> direct) {
        return Diagnosis.of(steps, CORES, 2, Target.DEFAULT, direct);
    }

    @Test
    void aRateLimitedModelsNumbersNameTheModelRateLimit() {
        List<StepResult> steps = List.of(
                step(10, 420).withMetrics(metrics(Map.of(), Map.of("rate_limited", 15L), 15, 1_950_000, 2, 20, 0, 5)),
                step(100, 950).withMetrics(metrics(Map.of(), Map.of("rate_limited", 160L), 150, 40_000, 12, 20, 0, 5)),
                errors(step(1_000, 4_100), Map.of("rate_limited", 300L))
                        .withMetrics(metrics(Map.of(), Map.of("rate_limited", 2_400L), 2_000, 0, 20, 20, 0, 6)));

        List<Finding> findings = diagnose(steps, List.of());

        Finding first = findings.get(0);
        assertThat(first.resource()).isEqualTo("model rate limit (TPM headroom)");
        assertThat(first.atUsers()).isEqualTo(10);
        assertThat(first.evidence()).contains("at 10 users the model answered 15 × 429 (15 retries)")
                .contains("remaining tokens fell to 1950000").doesNotContain("no 429 yet");
        assertThat(first.knob()).contains("raise the model quota (tokens per minute) or add a deployment")
                .contains("more replicas will not help");
    }

    @Test
    void remainingTokensNearZeroNameTheRateLimitWithoutA429() {
        List<StepResult> steps = List.of(step(10, 400),
                step(100, 1_200).withMetrics(metrics(Map.of(), Map.of(), 0, 50_000, 3, 20, 0, 5)));

        Finding first = diagnose(steps, List.of()).get(0);
        assertThat(first.resource()).isEqualTo("model rate limit (TPM headroom)");
        assertThat(first.evidence()).contains("0 × 429").endsWith("; no 429 yet: the quota the model reports is spent,"
                + " and a deployment that enforces it refuses from here");
    }

    @Test
    void aCapOfFiveWithBusyRefusalsNamesTheCapAndRaisingItWhenTheCpuAllows() {
        List<StepResult> steps = List.of(step(10, 400),
                cpu(errors(step(100, 700), Map.of("busy", 40L)), 0.6)
                        .withMetrics(metrics(Map.of("busy", 40L), Map.of(), 0, 1_900_000, 5, 5, 0, 5)));

        Finding first = diagnose(steps, List.of()).get(0);

        assertThat(first.resource()).isEqualTo("admission cap");
        assertThat(first.evidence()).contains("at 100 users 40 questions were refused busy")
                .contains("active generations reached 5 of the cap 5").contains("CPU 30% of 2 cores");
        assertThat(first.knob()).isEqualTo("raise RAGD_MAX_CONCURRENT_GENERATIONS from 5 to about 11: the CPU (30%) allows it");
    }

    @Test
    void atTheCapWithAHotCpuTheKnobIsToScaleOutAndTheCpuIsNamedToo() {
        List<StepResult> steps = List.of(step(10, 400),
                cpu(step(100, 1_400), 1.8).withMetrics(metrics(Map.of(), Map.of(), 0, 1_900_000, 5, 5, 0, 5)));

        List<Finding> findings = diagnose(steps, List.of());

        assertThat(findings).extracting(Finding::resource).containsExactly("replica CPU", "admission cap");
        assertThat(findings.get(1).knob()).startsWith("scale out replicas: the CPU (90%) leaves no room");
    }

    @Test
    void highCpuNamesTheReplicaCpuAndHowManyReplicas() {
        List<StepResult> steps = List.of(step(10, 300), step(100, 500), cpu(step(1_000, 2_000), 1.8));

        List<Finding> findings = diagnose(steps, List.of());

        assertThat(findings).hasSize(1);
        Finding f = findings.get(0);
        assertThat(f.resource()).isEqualTo("replica CPU");
        assertThat(f.atUsers()).isEqualTo(1_000);
        assertThat(f.evidence()).isEqualTo("at 1000 users the replicas used 1.80 of the 2 cores (90%, at or above 85%)");
        assertThat(f.knob()).isEqualTo("scale out replicas: 2 → 3 (to about 60% CPU each)");
    }

    @Test
    void aThrottledSearchServiceIsNamedWithTheTierToRaise() {
        StepMetrics throttled = new StepMetrics(Map.of("completed/none", 90L, "failed/search_unavailable", 4L), Map.of(),
                Map.of(), 0, 2_000_000, 9_000, 30, 512, 0, 40, 0.3, -1, 25);
        List<StepResult> steps = List.of(step(10, 400), step(100, 420), step(200, 2_500).withMetrics(throttled));

        List<Finding> findings = diagnose(steps, List.of());

        assertThat(findings).extracting(Finding::resource).first().isEqualTo("search service throttling");
        assertThat(findings.get(0).atUsers()).isEqualTo(200);
        assertThat(findings.get(0).evidence()).isEqualTo("at 200 users the search service refused 25 searches for now"
                + " (429/503, retried after its Retry-After) and 4 questions failed search_unavailable");
        assertThat(findings.get(0).knob()).startsWith("raise the search service's tier");
    }

    @Test
    void aRewriteThatTakesMostOfTheFirstTokenTimeNamesQueryRewriting() {
        StepMetrics slowRewrite = new StepMetrics(Map.of("completed/none", 100L), Map.of(), Map.of(), 0, 2_000_000, 9_000,
                30, 512, 0, 5, 0.3, 900);
        List<StepResult> steps = List.of(step(10, 400), step(100, 1_600).withMetrics(slowRewrite));

        List<Finding> findings = diagnose(steps, List.of());

        assertThat(findings).extracting(Finding::resource).containsExactly("query rewriting");
        assertThat(findings.get(0).evidence()).isEqualTo("at 100 users the query rewrite took 900 ms at p95, 56% of the"
                + " p95 time to first token (1600 ms): each follow-up waits for a whole model answer before its search");
        assertThat(findings.get(0).knob()).startsWith("RAGD_QUERY_REWRITE=false");
        // Under the target, a rewrite is just part of the answer: nothing to turn.
        assertThat(diagnose(List.of(step(10, 400).withMetrics(slowRewrite)), List.of())).extracting(Finding::resource)
                .containsExactly("nothing saturated");
    }

    @Test
    void whatSaturatedFirstComesFirst() {
        List<StepResult> steps = List.of(step(10, 300),
                step(100, 600).withMetrics(metrics(Map.of(), Map.of(), 0, 1_900_000, 3, 20, 4, 5)),
                cpu(step(1_000, 2_000), 1.9).withMetrics(metrics(Map.of("busy", 9L), Map.of(), 0, 1_900_000, 20, 20, 30, 5)));

        assertThat(diagnose(steps, List.of())).extracting(Finding::resource)
                .containsExactly("chat-log store", "replica CPU", "admission cap");
        assertThat(diagnose(steps, List.of()).get(0).evidence()).contains("the chat-log queue held up to 4 records");
    }

    @Test
    void retrievalGrowingMoreThanThreeTimesNamesRetrieval() {
        List<StepResult> grew = List.of(step(10, 300),
                step(100, 1_100).withMetrics(metrics(Map.of(), Map.of(), 0, 1_900_000, 3, 20, 0, 40)));
        List<StepResult> steady = List.of(step(10, 300),
                step(100, 1_100).withMetrics(metrics(Map.of(), Map.of(), 0, 1_900_000, 3, 20, 0, 12)));

        Finding f = diagnose(grew, List.of()).get(0);
        assertThat(f.resource()).isEqualTo("retrieval");
        assertThat(f.evidence()).isEqualTo("at 100 users retrieval p95 was 40 ms, 8.0 times the first step's 5.0 ms");
        assertThat(f.knob()).isEqualTo("raise the search tier or add search replicas");
        assertThat(diagnose(steady, List.of()).get(0).resource()).as("2.4x is not saturation")
                .isNotEqualTo("retrieval");
    }

    @Test
    void modelFailuresOfItsOwnAreNamed() {
        List<StepResult> steps = List.of(step(10, 300).withMetrics(
                metrics(Map.of(), Map.of("unavailable", 3L, "stalled", 2L), 3, 1_900_000, 3, 20, 0, 5)));

        Finding f = diagnose(steps, List.of()).get(0);

        assertThat(f.resource()).isEqualTo("model upstream errors");
        assertThat(f.evidence()).contains("the model failed 5 times");
    }

    @Test
    void aMissWithNothingSaturatedIsTheModelItselfWhenTheModelAloneIsAsSlow() {
        List<StepResult> steps = List.of(step(10, 300), step(100, 1_500));

        List<Finding> slowModel = diagnose(steps, List.of(step(10, 250), step(100, 1_400)));
        List<Finding> fastModel = diagnose(steps, List.of(step(10, 250), step(100, 300)));
        List<Finding> noModel = diagnose(steps, List.of());

        assertThat(slowModel.get(0).resource()).isEqualTo("the model itself");
        assertThat(slowModel.get(0).evidence()).contains("the model alone at 100 users had p95 time to first token 1400 ms "
                + "against ragd's 1500 ms");
        assertThat(fastModel.get(0).resource()).isEqualTo("the load generator");
        assertThat(fastModel.get(0).evidence()).contains("ragd adds 1200 ms");
        assertThat(noModel.get(0).resource()).isEqualTo("the load generator or the model itself");
    }

    @Test
    void aFirstStepMissedWithNothingSaturatedNamesColdReplicas() {
        List<Finding> findings = diagnose(List.of(step(500, 1_300)), List.of(step(500, 310)));

        assertThat(findings.get(0).resource()).isEqualTo("cold replicas");
        assertThat(findings.get(0).evidence()).contains("at 500 users, the run's first step");
        assertThat(findings.get(0).knob()).contains("RAGD_WARMUP_MS");
    }

    @Test
    void nothingSaturatedWhenEveryStepMetTheTargetAndNoRuleShowed() {
        List<Finding> findings = diagnose(List.of(step(10, 300), step(100, 400)), List.of());

        assertThat(findings).singleElement().satisfies(f -> {
            assertThat(f.resource()).isEqualTo("nothing saturated");
            assertThat(f.knob()).contains("ramp further");
        });
    }
}
