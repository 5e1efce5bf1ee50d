package dev.ragd.loadtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.ragd.chatlog.ChatLogQuery;
import dev.ragd.chatlog.ChatRecord;
import dev.ragd.testsupport.Await;
import dev.ragd.testsupport.RunningApp;
import dev.ragd.testsupport.Scrape;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code loadtest/locustfile.py} run by the real Locust ({@code /usr/bin/python3 -m locust},
 * headless, a few seconds) against the real server, in both modes: every stage has its row in
 * Locust's stats CSV, and the answers Locust counts are exactly the chat-log records and the
 * {@code ragd_chat_requests_total} completions the server counts; refusals land in the failures CSV
 * with their error code. Skipped when {@code /usr/bin/python3} cannot import {@code locust} and
 * {@code websocket} ({@code apt-get install python3-locust python3-websocket}).
 */
class LocustfileSmokeTest {

    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final Path LOCUSTFILE = Path.of("loadtest/locustfile.py").toAbsolutePath();
    private static final int USERS = 5;
    private static final int TURNS = 3;

    @BeforeAll
    static void needsLocust() throws Exception {
        assumeTrue(Files.isExecutable(PYTHON), "needs /usr/bin/python3");
        Result probe = run(List.of(PYTHON.toString(), "-c", "import locust, websocket"));
        assumeTrue(probe.exit == 0, "needs Debian's python3-locust and python3-websocket "
                + "(apt-get install python3-locust python3-websocket): " + probe.output);
    }

    @Test
    void bothModesReportEveryStageAndCountTheAnswersTheServerCounts() throws Exception {
        try (RunningApp app = RunningApp.start(Map.of("RAGD_EXTRACTIVE_TOKEN_MS", "2", "RAGD_STREAM_COALESCE_MS", "30"))) {
            for (String mode : List.of("native", "book")) {
                long completedBefore = records(app, ChatRecord.Status.completed);
                String csv = "target/locust-smoke-" + mode;

                Result result = locust(app, mode, csv, "8s", List.of());

                assertThat(result.exit).as(result.output).isZero();
                Map<String, Row> stats = stats(csv);
                for (String name : List.of("connect", "time to first token", "full answer", "tokens/s")) {
                    assertThat(stats).as(mode + ": " + stats.keySet()).containsKey(name);
                    assertThat(stats.get(name).requests).as(mode + " " + name).isPositive();
                    assertThat(stats.get(name).failures).as(mode + " " + name + "\n" + result.output).isZero();
                }
                assertThat(rows(csv + "_failures.csv")).as(mode).isEmpty();
                assertThat(rows(csv + "_exceptions.csv")).as(mode).isEmpty();
                long answers = stats.get("full answer").requests;
                assertThat(stats.get("time to first token").requests).as(mode).isEqualTo(answers);
                assertThat(stats.get("tokens/s").requests).as(mode).isBetween(1L, answers);
                long connects = stats.get("connect").requests;
                if (mode.equals("native")) {
                    // each user reconnects after TURNS questions: sum of ceil(questions / TURNS) over the users
                    assertThat(connects).as("native connects for " + answers + " answers")
                            .isBetween((answers + TURNS - 1) / TURNS, answers / TURNS + USERS);
                } else {
                    assertThat(connects).as("book: one connection per question").isEqualTo(answers);
                }

                String protocol = "ws_" + mode;
                Await.untilPasses(() -> {
                    assertThat(records(app, ChatRecord.Status.completed) - completedBefore).as(mode + " records")
                            .isEqualTo(answers);
                    Scrape s = Scrape.of(app.baseUrl());
                    assertThat(s.value("ragd_chat_requests_total", "protocol", protocol, "outcome", "completed"))
                            .as(protocol + " completed").isEqualTo((double) answers);
                    assertThat(s.value("ragd_chat_requests_total", "protocol", protocol)).as(protocol + " all outcomes")
                            .isEqualTo((double) answers);
                });
                // --stop-timeout let every user finish its answer: nothing was cut off at the end
                assertThat(records(app, ChatRecord.Status.cancelled)).as(mode).isZero();
                assertThat(records(app, ChatRecord.Status.failed)).as(mode).isZero();
            }
        }
    }

    @Test
    void refusalsAreFailuresWithTheirErrorCodeAndAreNotCountedAsAnswers() throws Exception {
        Path questions = Path.of("target/locust-refusals-questions.txt").toAbsolutePath();
        Files.createDirectories(questions.getParent());
        Files.writeString(questions, String.join("\n", "# ordinary questions, and one over RAGD_MAX_QUESTION_CHARS",
                "What is the warranty on the Cinder Kettle?", "How much does the Ember Kettle cost?",
                "Do you ship to Canada?", "why ".repeat(100)) + "\n");
        try (RunningApp app = RunningApp.start(Map.of("RAGD_MAX_CONCURRENT_GENERATIONS", "1",
                "RAGD_MAX_QUESTION_CHARS", "200", "RAGD_EXTRACTIVE_TOKEN_MS", "20"))) {
            for (String mode : List.of("native", "book")) {
                long completedBefore = records(app, ChatRecord.Status.completed);
                Scrape before = Scrape.of(app.baseUrl());
                String csv = "target/locust-refusals-" + mode;

                Result result = locust(app, mode, csv, "5s", List.of("--ragd-questions", questions.toString()));

                assertThat(result.exit).as("Locust's exit code when requests failed\n" + result.output).isEqualTo(1);
                assertThat(rows(csv + "_exceptions.csv")).as(mode).isEmpty();
                Map<String, Long> failures = new LinkedHashMap<>();
                for (List<String> row : rows(csv + "_failures.csv")) {
                    assertThat(row.get(1)).as(row.toString()).isEqualTo("full answer");
                    failures.merge(row.get(2), Long.parseLong(row.get(3)), Long::sum);
                }
                String busy = mode.equals("native") ? "ErrorFrame: busy (retryable) before the first token"
                        : "ErrorClose: close 1011 busy before the first token";
                String tooLong = mode.equals("native") ? "ErrorFrame: question_too_long before the first token"
                        : "Refused: close 1000 without an answer: Sorry, your question is too long.";
                long busyCount = occurrences(failures, busy);
                long tooLongCount = occurrences(failures, tooLong);
                assertThat(busyCount).as(mode + " " + failures).isPositive();
                assertThat(tooLongCount).as(mode + " " + failures).isPositive();
                assertThat(busyCount + tooLongCount).as(mode + " every failure is one of the two: " + failures)
                        .isEqualTo(failures.values().stream().mapToLong(Long::longValue).sum());

                Map<String, Row> stats = stats(csv);
                Row full = stats.get("full answer");
                assertThat(full.failures).isEqualTo(busyCount + tooLongCount);
                long answers = full.requests - full.failures;
                assertThat(answers).as(mode).isPositive();
                assertThat(stats.get("connect").failures).isZero();
                String protocol = "ws_" + mode;
                Await.untilPasses(() -> {
                    assertThat(records(app, ChatRecord.Status.completed) - completedBefore).as(mode + " records")
                            .isEqualTo(answers);
                    Scrape s = Scrape.of(app.baseUrl());
                    assertThat(s.value("ragd_chat_requests_total", "protocol", protocol, "outcome", "completed"))
                            .isEqualTo((double) answers);
                    assertThat(s.value("ragd_chat_rejections_total", "protocol", protocol, "reason", "busy")
                            - before.value("ragd_chat_rejections_total", "protocol", protocol, "reason", "busy"))
                            .as(protocol + " busy").isEqualTo((double) busyCount);
                    assertThat(s.value("ragd_chat_rejections_total", "protocol", protocol, "reason", "question_too_long")
                            - before.value("ragd_chat_rejections_total", "protocol", protocol, "reason",
                                    "question_too_long"))
                            .as(protocol + " question_too_long").isEqualTo((double) tooLongCount);
                });
            }
        }
    }

    /** Runs Locust headless for {@code time} with {@value #USERS} users, all spawned in the first second. */
    private static Result locust(RunningApp app, String mode, String csvPrefix, String time, List<String> extra)
            throws Exception {
        Files.createDirectories(Path.of(csvPrefix).toAbsolutePath().getParent());
        List<String> command = new ArrayList<>(List.of(PYTHON.toString(), "-m", "locust", "-f", LOCUSTFILE.toString(),
                "--headless", "-u", Integer.toString(USERS), "-r", Integer.toString(USERS), "-t", time,
                "--host", "ws://127.0.0.1:" + app.port(), "--csv", csvPrefix, "--only-summary",
                // users finish the answer they are reading when the time is up, so that every answer
                // the server completed was also counted by Locust (and none is cancelled)
                "--stop-timeout", "20",
                "--ragd-mode", mode, "--ragd-think-time", "0.1-0.5", "--ragd-turns", Integer.toString(TURNS),
                "--ragd-timeout", "20"));
        command.addAll(extra);
        return run(command);
    }

    private static long records(RunningApp app, ChatRecord.Status status) {
        return app.app().chatLog().forEachMatching(ChatLogQuery.all(500).withStatus(status), r -> {});
    }

    private static long occurrences(Map<String, Long> failures, String error) {
        // a worker's errors reach the master as text and come out quoted; a standalone run's are not
        return failures.entrySet().stream().filter(e -> e.getKey().replace("'", "").startsWith(error))
                .mapToLong(Map.Entry::getValue).sum();
    }

    record Row(long requests, long failures) {}

    /** The stats CSV's rows by name (Aggregated included). */
    private static Map<String, Row> stats(String csvPrefix) throws IOException {
        Map<String, Row> out = new LinkedHashMap<>();
        List<List<String>> rows = rows(csvPrefix + "_stats.csv");
        for (List<String> row : rows) {
            out.put(row.get(1), new Row(Long.parseLong(row.get(2)), Long.parseLong(row.get(3))));
        }
        return out;
    }

    /** A CSV file's rows after its header (RFC 4180: quoted fields, doubled quotes, quoted line breaks). */
    static List<List<String>> rows(String file) throws IOException {
        String text = Files.readString(Path.of(file), StandardCharsets.UTF_8);
        List<List<String>> rows = new ArrayList<>();
        List<String> row = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
                    field.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    field.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                row.add(field.toString());
                field.setLength(0);
            } else if (c == '\n' || c == '\r') {
                if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                    i++;
                }
                row.add(field.toString());
                field.setLength(0);
                rows.add(row);
                row = new ArrayList<>();
            } else {
                field.append(c);
            }
        }
        if (!field.isEmpty() || !row.isEmpty()) {
            row.add(field.toString());
            rows.add(row);
        }
        assertThat(rows).as(file + " has a header").isNotEmpty();
        return rows.subList(1, rows.size());
    }

    record Result(int exit, String output) {}

    static Result run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getOutputStream().close();
        // read while it runs: a full pipe would block Locust
        StringBuilder output = new StringBuilder();
        Thread reader = Thread.ofVirtual().start(() -> {
            try {
                output.append(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                output.append("(output not read: ").append(e).append(')');
            }
        });
        if (!p.waitFor(90, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            reader.join(5_000);
            throw new AssertionError(String.join(" ", command) + " did not finish within 90 s:\n" + output);
        }
        reader.join(5_000);
        return new Result(p.exitValue(), output.toString());
    }
}
