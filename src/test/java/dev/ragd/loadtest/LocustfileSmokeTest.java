package dev.ragd.loadtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.ragd.chatlog.ChatLogQuery;
import dev.ragd.chatlog.ChatRecord;
import dev.ragd.mock.MockLlmOptions;
import dev.ragd.mock.MockLlmServer;
import dev.ragd.testsupport.Await;
import dev.ragd.testsupport.RunningApp;
import dev.ragd.testsupport.Scrape;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code loadtest/locustfile.py} run by the real Locust ({@code /usr/bin/python3 -m locust},
 * headless, a few seconds) against the real server, in both modes: every stage has its row in
 * Locust's stats CSV, and the answers Locust counts are exactly the chat-log records and the
 * {@code ragd_chat_requests_total} completions the server counts; refusals land in the failures CSV
 * with their error code. The {@code --ragd-ends} file lists exactly the answers Locust counts, each
 * a completed chat-log record, standalone and distributed ({@code --master}/{@code --worker}, with
 * {@code --reset-stats}). The openai mode measures the mock upstream ({@code ragd mock-llm},
 * in-process) with the same rows. Skipped when {@code /usr/bin/python3} cannot import
 * {@code locust} and {@code websocket} ({@code apt-get install python3-locust python3-websocket}).
 */
class LocustfileSmokeTest {

    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final Path LOCUSTFILE = Path.of("loadtest/locustfile.py").toAbsolutePath();
    private static final int USERS = 5;
    private static final int TURNS = 3;
    private static final Pattern RESET_MARK = Pattern.compile("# reset-stats (\\d+) .*");

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
                Set<String> idsBefore = completedIds(app);
                String csv = "target/locust-smoke-" + mode;
                Path ends = freshFile(csv + "-ends");

                double startedS = System.currentTimeMillis() / 1000.0;
                Result result = locust(app, mode, csv, "8s", List.of("--ragd-ends", ends.toString()));
                double endedS = System.currentTimeMillis() / 1000.0;

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
                // the ends file: one line per answer Locust counted, each the log_id of one of
                // this run's completed records, and every such record is in it once
                List<String> lines = answerLines(ends);
                assertThat(lines).as(mode + " ends lines").hasSize((int) answers).doesNotHaveDuplicates();
                lines.forEach(id -> assertThat(UUID.fromString(id).toString()).isEqualTo(id));
                Set<String> completedNow = completedIds(app);
                completedNow.removeAll(idsBefore);
                assertThat(new HashSet<>(lines)).as(mode + ": the ends file = this run's completed records")
                        .isEqualTo(completedNow);
                // each line's timing: sent during the run, and a first token the user saw no sooner
                // than ragd's record says it wrote it (the client's clock starts before the server's)
                Map<String, Long> serverFirstToken = new LinkedHashMap<>();
                app.app().chatLog().forEachMatching(ChatLogQuery.all(500).withStatus(ChatRecord.Status.completed),
                        r -> serverFirstToken.put(r.id(), r.firstTokenMs()));
                for (String[] f : endsFields(ends)) {
                    assertThat(f).as(String.join("|", f)).hasSize(4);
                    assertThat(Double.parseDouble(f[1])).as("sent").isBetween(startedS - 1, endedS + 1);
                    assertThat(Double.parseDouble(f[2])).as("client time to first token of " + f[0])
                            .isGreaterThanOrEqualTo(serverFirstToken.get(f[0]));
                    assertThat(f[3]).as("no proxy named a replica").isEqualTo("-");
                }
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

                Path ends = freshFile(csv + "-ends");

                Result result = locust(app, mode, csv, "5s", List.of("--ragd-questions", questions.toString(),
                        "--ragd-ends", ends.toString()));

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
                assertThat(answerLines(ends)).as(mode + ": refused questions are not in the ends file")
                        .hasSize((int) answers);
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

    @Test
    void openaiModeMeasuresTheModelServerWithTheSameRowsAndNamesItsFailures() throws Exception {
        // a small, fast answer: 50 ms to the first token, 20 tokens 5 ms apart
        MockLlmOptions healthy = MockLlmOptions.defaults().withHost("127.0.0.1").withPort(0).withEventLoops(1)
                .withTtftMs(50).withTokenMs(5).withTokens(20);
        Vertx vertx = Vertx.vertx();
        try {
            MockLlmServer mock = MockLlmServer.start(vertx, healthy).await(10, TimeUnit.SECONDS);
            String host = "http://127.0.0.1:" + mock.port() + "/v1";

            String csv = "target/locust-openai";
            Path ends = freshFile(csv + "-ends");
            Result result = locust(host, "openai", csv, "5s", List.of("--ragd-ends", ends.toString()));

            assertThat(result.exit).as(result.output).isZero();
            Map<String, Row> stats = stats(csv);
            for (String name : List.of("connect", "time to first token", "full answer", "tokens/s")) {
                assertThat(stats).as("openai: " + stats.keySet()).containsKey(name);
                assertThat(stats.get(name).requests).as("openai " + name).isPositive();
                assertThat(stats.get(name).failures).as("openai " + name + "\n" + result.output).isZero();
            }
            assertThat(rows(csv + "_failures.csv")).isEmpty();
            assertThat(rows(csv + "_exceptions.csv")).isEmpty();
            long answers = stats.get("full answer").requests;
            assertThat(stats.get("time to first token").requests).isEqualTo(answers);
            assertThat(stats.get("tokens/s").requests).isEqualTo(answers); // 20 tokens: every answer has a rate
            // one keep-alive connection per user for the whole run
            assertThat(stats.get("connect").requests).as("connects").isEqualTo(USERS);
            // every request the mock answered was read to its end and counted, none was cut off
            assertThat(mock.stats().status(200)).as("the mock's 200s").isEqualTo(answers);
            assertThat(mock.stats().cancelledStreams()).isZero();
            assertThat(mock.stats().tokensSent()).isEqualTo(20 * answers);
            assertThat(answerLines(ends)).as("one completion id per answer").hasSize((int) answers)
                    .allSatisfy(id -> assertThat(id).startsWith("chatcmpl-"));

            // --reset-stats, 2 users a second: the answers of the ramp-up are in the file, before
            // a mark that says how many Locust's counts leave out
            mock.reset();
            csv = "target/locust-openai-reset";
            ends = freshFile(csv + "-ends");
            result = locust(host, "openai", csv, "4s", List.of("--ragd-ends", ends.toString(), "-r", "2",
                    "--reset-stats"));

            assertThat(result.exit).as(result.output).isZero();
            List<String> lines = answerLines(ends);
            long leftOut = leftOut(ends);
            assertThat(leftOut).as("answers of the ramp-up").isPositive();
            assertThat(stats(csv).get("full answer")).as("Locust's count: the lines after the mark")
                    .isEqualTo(new Row(lines.size() - leftOut, 0));
            assertThat(mock.stats().status(200)).as("the mock's 200s: all the lines").isEqualTo(lines.size());

            // every request refused with 429: failures of "full answer" naming the status, the
            // error code and Retry-After; the connection is kept (a 429 is a complete response)
            mock.reconfigure(healthy.withRate429(1.0).withRetryAfterS(3));
            mock.reset();
            csv = "target/locust-openai-429";
            ends = freshFile(csv + "-ends");
            result = locust(host, "openai", csv, "3s", List.of("--ragd-ends", ends.toString()));

            assertThat(result.exit).as(result.output).isEqualTo(1);
            stats = stats(csv);
            Row full = stats.get("full answer");
            assertThat(full.failures).as(result.output).isPositive().isEqualTo(full.requests);
            assertThat(full.requests).isEqualTo(mock.stats().status(429));
            assertThat(stats).doesNotContainKeys("time to first token", "tokens/s");
            assertThat(stats.get("connect")).isEqualTo(new Row(USERS, 0));
            assertThat(rows(csv + "_failures.csv")).containsExactly(List.of("WS", "full answer",
                    "HttpStatus: 429 Too Many Requests (rate_limit_exceeded), Retry-After 3", Long.toString(full.requests)));
            assertThat(answerLines(ends)).isEmpty();

            // every stream cut after part of the answer by an in-stream error event
            mock.reconfigure(healthy.withCut(1.0));
            mock.reset();
            csv = "target/locust-openai-cut";
            result = locust(host, "openai", csv, "3s", List.of());

            assertThat(result.exit).as(result.output).isEqualTo(1);
            stats = stats(csv);
            full = stats.get("full answer");
            assertThat(full.failures).as(result.output).isPositive().isEqualTo(full.requests);
            assertThat(stats.get("time to first token").requests).isEqualTo(full.requests);
            List<List<String>> failures = rows(csv + "_failures.csv");
            assertThat(failures).hasSize(1);
            assertThat(failures.get(0).get(2)).isEqualTo("ErrorFrame: server_error after the first token: The server "
                    + "had an error while processing your request. Sorry about that!");
            // a broken stream is not reused: a new connection for each next question
            assertThat(stats.get("connect").requests).isGreaterThan(USERS);
        } finally {
            vertx.close().await(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void distributedWorkersWriteTheirOwnEndsFilesAndTheyAddUpToTheMastersCountAfterResetStats() throws Exception {
        try (RunningApp app = RunningApp.start(Map.of("RAGD_EXTRACTIVE_TOKEN_MS", "2"))) {
            Set<String> idsBefore = completedIds(app);
            String csv = "target/locust-distributed";
            Path ends = freshFile(csv + "-ends");
            try (var old = Files.list(ends.getParent())) {
                for (Path f : old.filter(f -> f.getFileName().toString().startsWith(ends.getFileName() + ".")).toList()) {
                    Files.delete(f);
                }
            }
            int masterPort;
            try (ServerSocket socket = new ServerSocket(0)) {
                masterPort = socket.getLocalPort();
            }
            List<Process> workers = new ArrayList<>();
            try {
                for (int i = 0; i < 2; i++) {
                    // a worker with --reset-stats of its own drops its unreported requests at each of
                    // its spawning_complete, before the master resets: the mark must follow that too
                    workers.add(new ProcessBuilder(PYTHON.toString(), "-m", "locust", "-f", LOCUSTFILE.toString(),
                            "--worker", "--master-host", "127.0.0.1", "--master-port", Integer.toString(masterPort),
                            "--reset-stats")
                            .redirectErrorStream(true).redirectOutput(Path.of(csv + "-worker" + i + ".log").toFile())
                            .start());
                }
                // 4 users, 1 a second: answers finish during the ramp, and --reset-stats drops them
                Result result = locust("ws://127.0.0.1:" + app.port(), "native", csv, "8s", List.of("--master",
                        "--expect-workers", "2", "--master-bind-port", Integer.toString(masterPort), "-u", "4", "-r", "1",
                        "--reset-stats", "--ragd-ends", ends.toString()));

                assertThat(result.exit).as(result.output).isZero();
                for (Process worker : workers) {
                    // the master's quit reaches its workers: they exit with it, not a minute later
                    assertThat(worker.waitFor(20, TimeUnit.SECONDS)).as("worker exited").isTrue();
                }
                assertThat(ends).as("the master writes no file").doesNotExist();
                long counted = 0;
                long leftOut = 0;
                Set<String> all = new HashSet<>();
                long lines = 0;
                for (Process worker : workers) {
                    Path file = Path.of(ends + "." + worker.pid());
                    assertThat(file).as("worker " + worker.pid()).exists();
                    List<String> answers = answerLines(file);
                    long before = leftOut(file);
                    assertThat(answers.size()).as(file + " has answers after its reset mark").isGreaterThan((int) before);
                    counted += answers.size() - before;
                    leftOut += before;
                    lines += answers.size();
                    all.addAll(answers);
                }
                assertThat(leftOut).as("answers received during the ramp, left out of Locust's counts").isPositive();
                assertThat(stats(csv).get("full answer")).as("Locust's count = the lines after the marks\n" + result.output)
                        .isEqualTo(new Row(counted, 0));
                assertThat(all).as("no answer twice").hasSize((int) lines);
                Set<String> completedNow = completedIds(app);
                completedNow.removeAll(idsBefore);
                assertThat(all).as("every answer received is a completed record, and every record was received")
                        .isEqualTo(completedNow);
            } finally {
                for (Process worker : workers) {
                    worker.destroyForcibly();
                }
            }
        }
    }

    private static Result locust(RunningApp app, String mode, String csvPrefix, String time, List<String> extra)
            throws Exception {
        return locust("ws://127.0.0.1:" + app.port(), mode, csvPrefix, time, extra);
    }

    /**
     * Runs Locust headless for {@code time} with {@value #USERS} users, all spawned in the first second
     * ({@code extra} may say otherwise: the last {@code -u} or {@code -r} wins).
     */
    private static Result locust(String host, String mode, String csvPrefix, String time, List<String> extra)
            throws Exception {
        Files.createDirectories(Path.of(csvPrefix).toAbsolutePath().getParent());
        List<String> command = new ArrayList<>(List.of(PYTHON.toString(), "-m", "locust", "-f", LOCUSTFILE.toString(),
                "--headless", "-u", Integer.toString(USERS), "-r", Integer.toString(USERS), "-t", time,
                "--host", host, "--csv", csvPrefix, "--only-summary",
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

    /** The log ids of the completed chat-log records (a mutable set). */
    private static Set<String> completedIds(RunningApp app) {
        Set<String> ids = new HashSet<>();
        app.app().chatLog().forEachMatching(ChatLogQuery.all(500).withStatus(ChatRecord.Status.completed),
                r -> ids.add(r.id()));
        return ids;
    }

    /** A path under target/ that does not exist (yet). */
    private static Path freshFile(String name) throws IOException {
        Path path = Path.of(name).toAbsolutePath();
        Files.createDirectories(path.getParent());
        Files.deleteIfExists(path);
        return path;
    }

    /** The answer lines of an ends file (its {@code #} lines left out). */
    /** The answer ids of an ends file (each line's first field). */
    private static List<String> answerLines(Path file) throws IOException {
        return endsFields(file).stream().map(f -> f[0]).toList();
    }

    /** An ends file's answer lines, split into their tab-separated fields. */
    private static List<String[]> endsFields(Path file) throws IOException {
        assertThat(file).as("the ends file").exists();
        return Files.readAllLines(file).stream().filter(l -> !l.isBlank() && !l.startsWith("#"))
                .map(l -> l.split("\t", -1)).toList();
    }

    /** How many answers at the start of an ends file Locust's counts leave out (its last reset mark). */
    private static long leftOut(Path file) throws IOException {
        long n = -1;
        for (String line : Files.readAllLines(file)) {
            Matcher m = RESET_MARK.matcher(line);
            if (m.matches()) {
                n = Long.parseLong(m.group(1));
            }
        }
        assertThat(n).as(file + " has a reset mark").isNotNegative();
        return n;
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
