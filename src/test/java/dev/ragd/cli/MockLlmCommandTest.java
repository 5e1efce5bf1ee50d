package dev.ragd.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ragd.config.Env;
import dev.ragd.mock.MockLlmOptions;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

class MockLlmCommandTest {

    @TempDir
    Path workDir;

    record Result(int exit, String out, String err) {}

    private Result ragd(Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = RagdCli.run(new PrintWriter(out, true), new PrintWriter(err, true), args, env, workDir);
        return new Result(exit, out.toString(), err.toString());
    }

    private MockLlmOptions parse(Map<String, String> env, String... args) {
        MockLlmCommand command = new MockLlmCommand(new CliContext(new PrintWriter(new StringWriter()),
                new PrintWriter(new StringWriter()), env, workDir));
        new CommandLine(command).parseArgs(args);
        return command.options(new Env(env));
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
            "--port, -1, must be a non-negative integer",
            "--port, 70000, must be from 0 to 65535",
            "--ttft-ms, -5, must be a non-negative integer",
            "--token-ms, fast, must be a non-negative integer",
            "--tokens, -1, must be a non-negative integer",
            "--rate-429, 1.5, must be a share from 0 to 1",
            "--retry-after-s, -2, must be a non-negative integer",
            "--rate-5xx, NaN, must be a share from 0 to 1",
            "--stall, -0.1, must be a share from 0 to 1",
            "--max-concurrent, many, must be a non-negative integer",
            "--seed, 1.5, must be an integer",
            "--no-usage, maybe, must be true or false",
            "--event-loops, 0, must be at least 1",
            "--profile, turbo, must be one of fast, slow, rate-limited, flaky, got 'turbo'",
            "--tpm, -1, must be a non-negative integer",
            "--rpm, lots, must be a non-negative integer",
    })
    void aBadOptionIsRefusedNamingTheOption(String option, String value, String rule) {
        Result r = ragd(Map.of(), "mock-llm", option + "=" + value);

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).startsWith("ragd mock-llm: " + option).contains(rule);
        assertThat(r.out()).doesNotContain("listening");
    }

    @Test
    void aBadEnvironmentVariableIsRefusedNamingOptionAndVariable() {
        Result r = ragd(Map.of("MOCK_LLM_RATE_429", "7"), "mock-llm");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("--rate-429 (MOCK_LLM_RATE_429) must be a share from 0 to 1, got '7'");
    }

    @Test
    void flagsWinOverEnvironmentVariablesAndUnsetKnobsKeepTheirDefaults() {
        MockLlmOptions o = parse(Map.of("MOCK_LLM_TTFT_MS", "500", "MOCK_LLM_TOKEN_MS", "20", "MOCK_LLM_STALL", "0.5",
                "MOCK_LLM_FINISH_WITH_LAST_TOKEN", "true"), "--ttft-ms", "100", "--seed", "9", "--omit-role-chunk");

        assertThat(o.ttftMs()).isEqualTo(100);
        assertThat(o.tokenMs()).isEqualTo(20);
        assertThat(o.stall()).isEqualTo(0.5);
        assertThat(o.seed()).isEqualTo(9);
        assertThat(o.omitRoleChunk()).isTrue();
        assertThat(o.finishWithLastToken()).isTrue();
        assertThat(o.port()).isEqualTo(8100);
        assertThat(o.retryAfterS()).isEqualTo(1);
        assertThat(o.rate429()).isZero();
    }

    @Test
    void aPortInUseIsReportedAndTheCommandReturns() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Result r = ragd(Map.of(), "mock-llm", "--host", "127.0.0.1", "--port", String.valueOf(taken.getLocalPort()));

            assertThat(r.exit()).isEqualTo(1);
            assertThat(r.err()).contains("cannot listen on 127.0.0.1:" + taken.getLocalPort());
        }
    }

    @Test
    void helpListsEveryKnob() {
        Result r = ragd(Map.of(), "mock-llm", "--help");

        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("Usage: ragd mock-llm", "--port", "--ttft-ms", "--token-ms", "--tokens",
                "--rate-429", "--retry-after-s", "--rate-5xx", "--stall", "--max-concurrent", "--seed",
                "--omit-role-chunk", "--finish-with-last-token", "--no-usage", "--event-loops", "MOCK_LLM_");
    }

    @Test
    void aProfileSetsDefaultsThatExplicitOptionsAndVariablesOverride() {
        MockLlmOptions profile = parse(Map.of(), "--profile", "rate-limited");
        MockLlmOptions overridden = parse(Map.of("MOCK_LLM_RATE_429", "0.5"), "--profile", "rate-limited",
                "--ttft-ms", "50", "--tpm", "20000");

        assertThat(profile.ttftMs()).isEqualTo(300);
        assertThat(profile.tokenMs()).isEqualTo(20);
        assertThat(profile.tokens()).isEqualTo(150);
        assertThat(profile.rate429()).isEqualTo(0.10);
        assertThat(profile.retryAfterS()).isEqualTo(2);
        assertThat(profile.tpm()).isEqualTo(1_000_000);
        assertThat(profile.rpm()).isEqualTo(6_000);
        assertThat(overridden.ttftMs()).isEqualTo(50);
        assertThat(overridden.tpm()).isEqualTo(20_000);
        assertThat(overridden.rate429()).isEqualTo(0.5);
        assertThat(overridden.tokenMs()).as("profile value kept").isEqualTo(20);
    }

    @Test
    void theProfileCanComeFromTheEnvironmentAndABadOneNamesOptionAndVariable() {
        assertThat(parse(Map.of("MOCK_LLM_PROFILE", "slow")).ttftMs()).isEqualTo(1_200);

        Result r = ragd(Map.of("MOCK_LLM_PROFILE", "warp"), "mock-llm");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("--profile (MOCK_LLM_PROFILE) must be one of fast, slow, rate-limited, flaky, "
                + "got 'warp'");
    }

    @Test
    void withoutAProfileOrQuotaTheDefaultsAreUnchanged() {
        MockLlmOptions o = parse(Map.of());

        assertThat(o.ttftMs()).isZero();
        assertThat(o.tokens()).isZero();
        assertThat(o.tpm()).isZero();
        assertThat(o.rpm()).isZero();
    }
}
