package dev.ragd.ops.loadtest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Writes a load test's report folder from its steps: {@code steps.csv}, {@code steps-upstream.csv}
 * (when the ramp also ran against the model directly) and {@code report.html}.
 *
 * @param knee     the knee of ragd's steps
 * @param findings the diagnosis, what saturated first first
 */
public record LoadTestReport(Knee knee, List<Finding> findings) {

    /**
     * Analyses {@code steps} and writes the folder (created when missing).
     *
     * @param cores    cores of one replica
     * @param replicas replicas behind the target
     * @param baseline an earlier run to draw beside this one
     */
    public static LoadTestReport write(Path dir, ReportHtml.Run run, List<StepResult> steps, List<StepResult> direct,
            Optional<Baseline> baseline, Target target, int cores, int replicas) throws IOException {
        Knee knee = Knee.find(steps, target);
        List<Finding> findings = Diagnosis.of(steps, cores, replicas, target, direct);
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("steps.csv"), StepsCsv.write(steps), StandardCharsets.UTF_8);
        if (!direct.isEmpty()) {
            Files.writeString(dir.resolve("steps-upstream.csv"), StepsCsv.write(direct), StandardCharsets.UTF_8);
        }
        Files.writeString(dir.resolve("report.html"), ReportHtml.render(run, steps, direct, baseline, knee, findings, cores),
                StandardCharsets.UTF_8);
        return new LoadTestReport(knee, findings);
    }

    /** The lines to print at the end of a run: the findings, then {@link Knee#summaryLine()} last. */
    public List<String> lines() {
        List<String> out = new java.util.ArrayList<>();
        out.add(knee.describe());
        for (int i = 0; i < findings.size(); i++) {
            Finding f = findings.get(i);
            out.add((i + 1) + ". " + f.resource() + ": " + f.evidence() + ". Turn: " + f.knob());
        }
        out.add(knee.summaryLine());
        return out;
    }
}
