package dev.ragd.ops.loadtest;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * An earlier run to compare with (typically one replica, for a run with three): its report
 * folder's {@code steps.csv}, shown beside this run's steps (knee, throughput, p95 time to first
 * token, errors) in the printed lines and in the report's charts.
 *
 * @param label what the report calls it (the folder's name)
 */
public record Baseline(String label, List<StepResult> steps) {

    public Baseline {
        steps = List.copyOf(steps);
        if (steps.isEmpty()) {
            throw new IllegalArgumentException("--baseline " + label + ": its steps.csv has no step");
        }
    }

    /**
     * The run in report folder {@code dir}.
     *
     * @throws IllegalArgumentException naming the folder when it holds no readable steps.csv
     */
    public static Baseline read(Path dir) {
        Path csv = dir.resolve("steps.csv");
        try (Reader in = Files.newBufferedReader(csv, StandardCharsets.UTF_8)) {
            return new Baseline(dir.toAbsolutePath().normalize().getFileName().toString(), StepsCsv.read(in));
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("--baseline " + dir + ": no steps.csv there (give a ragd loadtest report folder)");
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException("--baseline " + csv + ": " + e.getMessage(), e);
        }
    }

    /** The comparison, one line for the knees, then one per user count both runs measured. */
    public List<String> compare(List<StepResult> steps, Target target) {
        Knee mine = Knee.find(steps, target);
        Knee theirs = Knee.find(this.steps, target);
        List<String> out = new ArrayList<>();
        out.add(String.format(Locale.ROOT, "knee: %s in %s, %s in this run", users(theirs), label, users(mine)));
        for (StepResult s : steps.stream().sorted(java.util.Comparator.comparingInt(StepResult::users)).toList()) {
            StepResult b = ReportHtml.at(this.steps, s.users());
            if (b == null) {
                continue;
            }
            out.add(String.format(Locale.ROOT, "%d users: %.1f questions/s (%s %.1f, ×%.2f); p95 time to first token"
                    + " %.0f ms (%s %.0f ms); errors %s (%s %s)", s.users(), s.throughput(), label, b.throughput(),
                    b.throughput() > 0 ? s.throughput() / b.throughput() : Double.NaN, s.ttftP95Ms(), label, b.ttftP95Ms(),
                    Target.percent(s.errorShare()), label, Target.percent(b.errorShare())));
        }
        return out;
    }

    private static String users(Knee k) {
        return k.users() > 0 ? k.users() + " users" + (k.allMet() ? " (every step met the target)" : "")
                : "no step met the target";
    }
}
