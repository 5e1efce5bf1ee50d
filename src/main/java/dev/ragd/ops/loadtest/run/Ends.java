package dev.ragd.ops.loadtest.run;

import dev.ragd.ops.bench.Percentiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The answers users received whole, as the locustfile's {@code --ragd-ends} files list them: one
 * file per step ({@code ends-<step>}, or {@code ends-<step>.<pid>} per Locust worker), one line per
 * answer: its log id, then tab-separated the Unix time its question was sent (s), its time to
 * first token as the user saw it (ms, {@code -} when none) and the replica nginx passed its socket
 * to ({@code -} without a proxy). A file's first N answers, N from its last
 * {@code # reset-stats N} mark, came during the ramp and are outside the measured window.
 */
final class Ends {

    /**
     * One answer a user received.
     *
     * @param sentS    Unix time the question was sent, in s (NaN in a line with only the id)
     * @param ttftMs   time to first token as the user saw it, in ms (NaN when unknown)
     * @param upstream the replica's {@code host:port}, or {@code -}
     * @param measured received in the step's measured window (after the ramp)
     */
    record Answer(String step, String logId, double sentS, double ttftMs, String upstream, boolean measured) {}

    private static final Pattern RESET = Pattern.compile("# reset-stats (\\d+)\\b.*");
    private static final Pattern WORKER_SUFFIX = Pattern.compile("\\.\\d+$");

    private Ends() {}

    /** Every answer in every {@code ends*} file under {@code dir}. */
    static List<Answer> read(Path dir) throws IOException {
        List<Answer> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.getFileName().toString().startsWith("ends")).sorted().toList()) {
                out.addAll(read(f, step(f.getFileName().toString())));
            }
        }
        return out;
    }

    /** The step a file belongs to: its name without {@code ends-} and a worker's {@code .<pid>}. */
    static String step(String fileName) {
        return WORKER_SUFFIX.matcher(fileName.replaceFirst("^ends-?", "")).replaceFirst("");
    }

    static List<Answer> read(Path file, String step) throws IOException {
        List<String> lines = Files.readAllLines(file);
        long leftOut = 0;
        for (String line : lines) {
            Matcher m = RESET.matcher(line);
            if (m.matches()) {
                leftOut = Long.parseLong(m.group(1));
            }
        }
        List<Answer> out = new ArrayList<>();
        for (String line : lines) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.strip().split("\t", -1);
            out.add(new Answer(step, f[0], f.length > 1 ? number(f[1]) : Double.NaN,
                    f.length > 2 ? number(f[2]) : Double.NaN, f.length > 3 ? f[3] : "-", out.size() >= leftOut));
        }
        return out;
    }

    /** The p95 of the times to first token of the answers that pass {@code which}, or NaN when none. */
    static double p95TtftMs(List<Answer> answers, Predicate<Answer> which) {
        double[] v = answers.stream().filter(which).mapToDouble(Answer::ttftMs).filter(d -> !Double.isNaN(d))
                .sorted().toArray();
        return v.length == 0 ? Double.NaN : Percentiles.of(v, 95);
    }

    private static double number(String s) {
        try {
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            return Double.NaN; // "-": no first token before the end
        }
    }
}
