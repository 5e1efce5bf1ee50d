package dev.ragd.ops.loadtest.run;

import dev.ragd.ops.bench.Percentiles;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Where a step's time to first token goes, from exact per-answer times (not Locust's rounded
 * percentiles): the p95 users saw (the ends files), the p95 of ragd's own records of the same
 * answers (the chat log's {@code first_token_ms}: from the question's arrival to its first token
 * written), and the p95 users saw from the model alone at the same users. Users' time minus ragd's
 * is what the load generator, the kernel and nginx add (a Locust process scheduling its users on a
 * busy core shows up here); ragd's minus the model's is ragd's own share, retrieval and prompt
 * building included.
 */
final class FirstTokenSplit {

    private FirstTokenSplit() {}

    /**
     * One line per ragd step that has answers with times.
     *
     * @param ragd     the answers users received from ragd, every step
     * @param serverMs the chat log's {@code first_token_ms} by log id
     * @param model    the answers users received from the model alone (steps named {@code model-<users>})
     */
    static List<String> lines(List<Ends.Answer> ragd, Map<String, Long> serverMs, List<Ends.Answer> model) {
        List<String> out = new ArrayList<>();
        List<String> steps = ragd.stream().map(Ends.Answer::step).distinct().sorted(FirstTokenSplit::byUsers).toList();
        for (String step : steps) {
            List<Ends.Answer> mine = ragd.stream().filter(a -> a.step().equals(step) && a.measured()).toList();
            double users = Ends.p95TtftMs(mine, a -> true);
            double[] server = mine.stream().map(a -> serverMs.get(a.logId())).filter(v -> v != null)
                    .mapToDouble(Long::doubleValue).sorted().toArray();
            if (Double.isNaN(users) || server.length == 0) {
                continue;
            }
            double own = Percentiles.of(server, 95);
            String line = String.format(Locale.ROOT, "%s: users saw p95 %.0f ms over %d answers; ragd's records of the"
                    + " same answers p95 %.0f ms (so the load generator, kernel and proxy add %.0f ms)", step, users,
                    mine.size(), own, users - own);
            String usersOf = step.replaceFirst("^ragd-(kill-)?", "");
            double direct = Ends.p95TtftMs(model, a -> a.measured() && a.step().equals("model-" + usersOf));
            if (!Double.isNaN(direct)) {
                line += String.format(Locale.ROOT, "; the model alone p95 %.0f ms (ragd adds %.0f ms; ragd's records ÷ the model %.2f,"
                        + " as users saw both %.2f)", direct, own - direct, own / direct, users / direct);
            }
            out.add(line);
        }
        return out;
    }

    private static int byUsers(String a, String b) {
        int c = Boolean.compare(a.contains("kill"), b.contains("kill"));
        return c != 0 ? c : Integer.compare(users(a), users(b));
    }

    private static int users(String step) {
        String digits = step.replaceAll("\\D", "");
        return digits.isEmpty() ? 0 : Integer.parseInt(digits);
    }
}
