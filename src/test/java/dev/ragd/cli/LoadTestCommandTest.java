package dev.ragd.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code ragd loadtest}'s options, refused before anything starts (the runs are in LoadTestE2ETest). */
class LoadTestCommandTest {

    @TempDir
    Path workDir;

    record Result(int exit, String out, String err) {}

    private Result ragd(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = RagdCli.run(new PrintWriter(out, true), new PrintWriter(err, true), args, Map.of(), workDir);
        return new Result(exit, out.toString(), err.toString());
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', value = {
            "--users | 0 | --users: each count must be 1..20000, got 0",
            "--users | 10,5 | --users must ascend, got 10 then 5",
            "--users | 1,2,3,4,5,6,7,8,9,10,11,12,13 | --users needs 1 to 12 user counts, got 13",
            "--users | ten | Invalid value for option '--users'",
            "--step-seconds | 0 | --step-seconds must be 1..3600, got 0",
            "--replicas | 9 | --replicas must be 1..8, got 9",
            "--profile | turbo | turbo",
            "--mode | grpc | --mode must be native or book, got grpc",
            "--spawn-rate | -1 | --spawn-rate must be 0 (automatic) or more, got -1",
            "--locust-workers | 65 | --locust-workers must be -1 (automatic) to 64, got 65",
            "--question-timeout-s | 0 | --question-timeout-s must be in (0, 600], got 0.0",
            "--heap | 1x | --heap must look like 512m or 2g, got 1x",
            "--ragd-env | JAVA_HOME=/x | --ragd-env takes RAGD_* and OTEL_* settings, got JAVA_HOME",
            "--p95-ms | 0 | the target p95 time to first token must be more than 0 ms",
            "--max-error-share | 2 | the target error share must be in (0, 1]",
            "--kill-step-seconds | 4 | --kill-step-seconds must be 5..3600, got 4",
            "--baseline | no-such-run | no-such-run: no steps.csv there (give a ragd loadtest report folder)",
            "--target | ftp://127.0.0.1/ | --target must be an http(s):// or ws(s):// URL with a host",
    })
    void aBadOptionIsRefusedNamingIt(String option, String value, String message) {
        Result r = ragd("loadtest", option, value, "--out", "report");

        assertThat(r.exit()).as(r.err()).isEqualTo(2);
        assertThat(r.err()).contains(message);
        assertThat(r.out()).isEmpty();
        assertThat(Files.exists(workDir.resolve("report"))).as("nothing was started or written").isFalse();
    }

    @Test
    void anUnknownProfileListsTheProfiles() {
        Result r = ragd("loadtest", "--profile", "turbo");

        assertThat(r.err()).contains("fast").contains("rate-limited").contains("flaky");
    }

    @Test
    void aTargetOnAnotherHostNeedsTheOwnersWord() {
        Result r = ragd("loadtest", "--target", "http://192.0.2.10:8000", "--users", "1", "--step-seconds", "1");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("--target 192.0.2.10 is not this machine").contains("--i-own-this-host");
    }

    @Test
    void replicasAndATargetDoNotMix() {
        Result r = ragd("loadtest", "--target", "http://127.0.0.1:8000", "--replicas", "2");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("with --target (a running ragd) leave it out");
    }

    @Test
    void aRunLongerThanTheBoundIsRefused() {
        Result r = ragd("loadtest", "--users", "10,20,30,40,50,60,70,80", "--step-seconds", "1800");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("over the 120-minute bound");
    }
}
