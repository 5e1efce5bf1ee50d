package dev.ragd.ops.loadtest.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EndsTest {

    @TempDir
    Path dir;

    @Test
    void everyProcessesFileIsReadAndItsRampAnswersAreNotMeasured() throws Exception {
        Files.writeString(dir.resolve("ends-ragd-10"), "a\t100.5\t310.2\t127.0.0.1:9001\n"
                + "# reset-stats 1 (Locust's counts leave out this file's first 1 answers)\nb\t101.0\t-\t-\n");
        Files.writeString(dir.resolve("ends-ragd-100.4242"), "c\n\n");
        Files.writeString(dir.resolve("other.txt"), "not an end\n");

        List<Ends.Answer> answers = Ends.read(dir);

        assertThat(answers).extracting(Ends.Answer::logId).containsExactly("a", "b", "c");
        assertThat(answers).extracting(Ends.Answer::step).containsExactly("ragd-10", "ragd-10", "ragd-100");
        assertThat(answers).extracting(Ends.Answer::measured).containsExactly(false, true, true);
        Ends.Answer a = answers.get(0);
        assertThat(a.sentS()).isEqualTo(100.5);
        assertThat(a.ttftMs()).isEqualTo(310.2);
        assertThat(a.upstream()).isEqualTo("127.0.0.1:9001");
        // no first token before the end, and a line from before the times were written
        assertThat(answers.get(1).ttftMs()).isNaN();
        assertThat(answers.get(2).sentS()).isNaN();
        assertThat(answers.get(2).upstream()).isEqualTo("-");
    }

    @Test
    void theP95TakesOnlyTheChosenAnswersWithATime() {
        List<Ends.Answer> answers = new java.util.ArrayList<>();
        for (int i = 1; i <= 100; i++) {
            answers.add(new Ends.Answer("s", "id" + i, i, i * 10.0, i % 2 == 0 ? "even" : "odd", true));
        }
        answers.add(new Ends.Answer("s", "none", 1, Double.NaN, "even", true));

        assertThat(Ends.p95TtftMs(answers, x -> true)).isEqualTo(950.0);
        assertThat(Ends.p95TtftMs(answers, x -> x.upstream().equals("even"))).isEqualTo(960.0);
        assertThat(Ends.p95TtftMs(answers, x -> x.upstream().equals("nobody"))).isNaN();
    }

    @Test
    void aWorkersFileBelongsToItsStep() {
        assertThat(Ends.step("ends-ragd-kill-500.31337")).isEqualTo("ragd-kill-500");
        assertThat(Ends.step("ends-model-1000")).isEqualTo("model-1000");
    }
}
