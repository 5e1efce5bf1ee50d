package dev.ragd.ops.loadtest;

import static dev.ragd.ops.loadtest.Steps.errors;
import static dev.ragd.ops.loadtest.Steps.step;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StepsCsvTest {

    @Test
    void stepsSurviveARoundTripIncludingCellsThatNeedQuoting() {
        StepResult quoted = errors(step(100, 612.5), Map.of("http_502, \"bad gateway\"", 2L, "busy", 7L));
        StepResult unmeasured = new StepResult(1_000, 30.5, 0, 0, 0, 0, 0, 0, 0, 0, Map.of(), -1, -1, StepMetrics.NONE);
        StepMetrics m = step(50, 400).metrics();
        StepResult throttled = step(50, 400).withMetrics(new StepMetrics(m.requestsByOutcome(), m.rejectionsByReason(),
                m.upstreamErrorsByType(), m.upstreamRetries(), m.rateLimitRemainingTokensMin(),
                m.rateLimitRemainingRequestsMin(), m.activeGenerationsMax(), m.maxConcurrentGenerations(),
                m.chatlogQueueDepthMax(), m.retrievalP95Ms(), m.processCpuShareMax(), m.rewriteP95Ms(), 17));
        List<StepResult> steps = List.of(step(10, 300), quoted, unmeasured, throttled);

        String csv = StepsCsv.write(steps);

        assertThat(StepsCsv.read(csv)).isEqualTo(steps);
        assertThat(csv).startsWith(String.join(",", StepsCsv.HEADER) + "\r\n");
        assertThat(csv).contains("\"busy=7;http_502, \"\"bad gateway\"\"=2\"");
        assertThat(csv.split("\r\n")).hasSize(5);
        assertThat(StepsCsv.read(csv).get(3).metrics().searchThrottled()).isEqualTo(17);
    }

    @Test
    void derivedColumnsAreWrittenForSpreadsheets() {
        String csv = StepsCsv.write(List.of(errors(step(10, 300), Map.of("busy", 3L))));
        String[] row = csv.split("\r\n")[1].split(",");

        assertThat(row[StepsCsv.HEADER.indexOf("requests")]).isEqualTo("150");
        assertThat(row[StepsCsv.HEADER.indexOf("errors")]).isEqualTo("3");
        assertThat(row[StepsCsv.HEADER.indexOf("error_share")]).isEqualTo("0.02");
        assertThat(row[StepsCsv.HEADER.indexOf("throughput_rps")]).isEqualTo("2.5");
        assertThat(row[StepsCsv.HEADER.indexOf("ttft_p50_ms")]).isEqualTo("180");
    }

    @Test
    void numbersThatRoundToAnIntegerHaveNoTrailingDot() {
        assertThat(StepsCsv.num(39.9996)).isEqualTo("40");
        assertThat(StepsCsv.num(0.1204)).isEqualTo("0.12");
        assertThat(StepsCsv.num(-2.5)).isEqualTo("-2.5");
        assertThat(StepsCsv.num(7)).isEqualTo("7");
    }

    @Test
    void aBadValueNamesTheRowAndColumn() {
        String csv = StepsCsv.write(List.of(step(10, 300))).replaceFirst("\r\n10,", "\r\nten,");

        assertThatThrownBy(() -> StepsCsv.read(csv)).hasMessage("steps.csv row 1: users must be an integer, got 'ten'");
    }
}
