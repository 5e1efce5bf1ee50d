package dev.ragd.ops.loadtest.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.ragd.cli.RagdCli;
import dev.ragd.ops.loadtest.StepResult;
import dev.ragd.ops.loadtest.StepsCsv;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ragd loadtest} end to end, in short runs: the real mock model, ragd replicas as child
 * processes, the real Locust (Debian's python3-locust), nginx and PostgreSQL for two replicas.
 * The report's numbers must agree with each other: the answers Locust counted, the end frames its
 * users received, the completions ragd's /metrics counted and the chat log's records.
 */
class LoadTestE2ETest {

    private static final Pattern LAST_LINE = Pattern.compile("knee_users=(\\d+) p95_ttft_ms=(\\d+) errors=([0-9.]+)");
    private static final Pattern AUDIT = Pattern.compile("Chat-log audit: (\\d+) answers received, (\\d+) records in the chat log \\{([^}]*)}");

    @TempDir
    Path dir;

    record Run(int exit, List<String> out, String err, Path report) {

        String last() {
            return out.isEmpty() ? "" : out.getLast();
        }

        String text() {
            return String.join("\n", out);
        }
    }

    @BeforeEach
    void needsLocust() throws Exception {
        try {
            Locust.check(Rehearsal.PYTHON);
        } catch (java.io.IOException e) {
            assumeTrue(false, e.getMessage());
        }
    }

    private Run loadtest(String... args) {
        List<String> all = new ArrayList<>(List.of("loadtest", "--out", "report", "--ragd-env", "RAGD_WARMUP_MS=0"));
        if (!List.of(args).contains("--think-time")) {
            all.addAll(List.of("--think-time", "0.2-0.5"));
        }
        all.addAll(List.of(args));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = RagdCli.run(new PrintWriter(out, true), new PrintWriter(err, true), all.toArray(String[]::new),
                Map.of(), dir);
        List<String> lines = out.toString().lines().toList();
        return new Run(exit, lines, err.toString(), dir.resolve("report"));
    }

    @Test
    void oneReplicaRunWritesAConsistentReport() throws Exception {
        Run run = loadtest("--users", "2,4", "--step-seconds", "5");

        assertThat(run.exit()).as(run.err()).isZero();
        Matcher last = LAST_LINE.matcher(run.last());
        assertThat(last.matches()).as("last line: " + run.last()).isTrue();
        assertThat(run.report().resolve("report.html")).isNotEmptyFile();
        List<StepResult> steps = StepsCsv.read(Files.readString(run.report().resolve("steps.csv")));
        List<StepResult> direct = StepsCsv.read(Files.readString(run.report().resolve("steps-upstream.csv")));
        assertThat(steps).extracting(StepResult::users).containsExactly(2, 4);
        assertThat(direct).extracting(StepResult::users).containsExactly(2, 4);
        long answered = 0;
        for (StepResult s : steps) {
            assertThat(s.requests()).as("questions at %d users", s.users()).isPositive();
            assertThat(s.errors()).as("errors at %d users: %s", s.users(), s.errorsByKind()).isZero();
            // What Locust counted is what ragd's /metrics counted in the same window.
            assertThat(s.metrics().requestsByOutcome()).as("ragd's outcomes at %d users", s.users())
                    .isEqualTo(Map.of("completed/none", s.requests()));
            assertThat(s.ttftP95Ms()).isPositive();
            assertThat(s.cpuCores()).isPositive();
            assertThat(s.rssBytes()).isGreaterThan(50L << 20);
            answered += s.requests() - s.errors();
        }
        for (StepResult d : direct) {
            assertThat(d.requests()).as("questions to the model at %d users", d.users()).isPositive();
            assertThat(d.errors()).isZero();
            assertThat(d.ttftP50Ms()).as("the fast profile's first token").isBetween(250.0, 1_000.0);
        }
        Matcher audit = AUDIT.matcher(run.text());
        assertThat(audit.find()).as(run.text()).isTrue();
        // Users start within the first second and an answer takes over 3 s, so none is done before
        // Locust resets its stats: every answer a user received is one Locust counted.
        assertThat(Long.parseLong(audit.group(1))).as("end frames received").isEqualTo(answered);
        assertThat(audit.group(3)).isEqualTo("completed=" + answered);
        assertThat(run.text()).contains("exactly once");
        assertThat(Long.parseLong(last.group(1))).isIn(0L, 2L, 4L);
    }

    @Test
    void twoReplicasBehindNginxSurviveOneKilledWithNoAnswerLost() throws Exception {
        assumeTrue(Files.isExecutable(Proxy.BINARY), "needs nginx (apt-get install nginx)");
        Postgres.binaries(); // fails naming the package when PostgreSQL is missing

        Run run = loadtest("--replicas", "2", "--users", "6", "--step-seconds", "5", "--kill-step-seconds", "15",
                "--no-direct");

        assertThat(run.exit()).as(run.err() + run.text()).isZero();
        assertThat(run.text()).contains("ragd-2 was SIGKILLed").contains("started again; it was ready")
                .contains("exactly once");
        assertThat(run.err()).contains("starting PostgreSQL").contains("starting 2 ragd replica(s)");
        String access = Files.readString(run.report().resolve("work/nginx/access.log"));
        List<String> upstreams = access.lines().map(l -> l.replaceAll(".*upstream=(\\S+?),?\\s.*", "$1")).distinct().toList();
        assertThat(upstreams).as("nginx spread the users over both replicas: " + access).hasSizeGreaterThanOrEqualTo(2);
        // nginx names the replica on each handshake, and the users' answers say which one served them
        List<Ends.Answer> answers = Ends.read(run.report().resolve("work/ends"));
        assertThat(answers).extracting(Ends.Answer::upstream).as("each answer's replica")
                .doesNotContain("-").filteredOn(u -> u.startsWith("127.0.0.1:")).hasSameSizeAs(answers);
        assertThat(answers.stream().map(Ends.Answer::upstream).distinct().count()).as("both replicas answered").isEqualTo(2);
        assertThat(run.text()).contains("Time to first token, users vs ragd's records: ragd-6: users saw p95");
        assertThat(LAST_LINE.matcher(run.last()).matches()).as(run.last()).isTrue();
        assertThat(Files.exists(run.report().resolve("steps-upstream.csv"))).isFalse();
    }

    @Test
    void aRateLimitedModelIsNamedAsWhatSaturated() {
        Run run = loadtest("--profile", "rate-limited", "--users", "20", "--step-seconds", "8", "--no-direct",
                "--think-time", "0");

        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.text()).contains("model rate limit").contains("429");
    }

    @Test
    void anAdmissionCapOfFiveIsNamedAsWhatSaturated() {
        Run run = loadtest("--users", "12", "--step-seconds", "5", "--no-direct", "--think-time", "0",
                "--ragd-env", "RAGD_MAX_CONCURRENT_GENERATIONS=5");

        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.text()).contains("admission cap").contains("RAGD_MAX_CONCURRENT_GENERATIONS");
        assertThat(run.last()).doesNotContain("errors=0.0000");
    }
}
