package dev.ragd.cli;

import dev.ragd.config.Env;
import dev.ragd.mock.MockLlmOptions;
import dev.ragd.mock.MockLlmServer;
import dev.ragd.mock.MockProfile;
import io.vertx.core.Vertx;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ragd mock-llm}: an OpenAI / Azure OpenAI compatible upstream simulator, until stopped.
 * Every option also reads {@code MOCK_LLM_<NAME>} (e.g. {@code MOCK_LLM_TTFT_MS}); options win.
 */
@Command(name = "mock-llm", mixinStandardHelpOptions = true,
        description = {"Run an OpenAI / Azure OpenAI compatible upstream simulator for rehearsals and tests.",
                "Routes: POST /v1/chat/completions, POST /v1/embeddings, GET /v1/models,",
                "POST /openai/deployments/{deployment}/{chat/completions|embeddings}?api-version=...,",
                "GET /mock/stats, POST /mock/reset.",
                "--profile sets defaults for a load test; any explicit option overrides them.",
                "Every option can also be set as MOCK_LLM_<NAME> (e.g. MOCK_LLM_RATE_429=0.1); options win."})
final class MockLlmCommand implements Callable<Integer> {

    private final CliContext ctx;

    @Option(names = "--profile", paramLabel = "NAME", description = {
            "Defaults for a load test, overridden by explicit options:",
            "fast (300 ms to first token, 20 ms/token, 150 tokens),",
            "slow (1200 ms, 45 ms/token, 250 tokens),",
            "rate-limited (fast + 10%% 429 with Retry-After 2 s + 1,000,000 TPM / 6,000 RPM enforced),",
            "flaky (fast + 3%% 500/503, 2%% stalls, 2%% cut streams)."})
    private String profile;
    @Option(names = "--tpm", paramLabel = "N",
            description = "Tokens-per-minute quota, enforced: over it 429 until the minute resets (0 = none).")
    private String tpm;
    @Option(names = "--rpm", paramLabel = "N",
            description = "Requests-per-minute quota, enforced: over it 429 until the minute resets (0 = none).")
    private String rpm;
    @Option(names = "--host", paramLabel = "HOST", description = "Interface to bind (default 0.0.0.0).")
    private String host;
    @Option(names = "--port", paramLabel = "N", description = "Port (default 8100; 0 = ephemeral, printed).")
    private String port;
    @Option(names = "--ttft-ms", paramLabel = "N", description = "Time to first token in ms (default 0).")
    private String ttftMs;
    @Option(names = "--token-ms", paramLabel = "N", description = "Delay per token in ms (default 0).")
    private String tokenMs;
    @Option(names = "--tokens", paramLabel = "N", description = "Answer length in tokens (default 0 = natural).")
    private String tokens;
    @Option(names = "--rate-429", paramLabel = "F", description = "Share of requests answered 429 (0..1).")
    private String rate429;
    @Option(names = "--retry-after-s", paramLabel = "N", description = "Retry-After seconds on 429 (default 1).")
    private String retryAfterS;
    @Option(names = "--rate-5xx", paramLabel = "F", description = "Share of requests answered 500/503 (0..1).")
    private String rate5xx;
    @Option(names = "--stall", paramLabel = "F", description = "Share of streams that stall forever mid-stream (0..1).")
    private String stall;
    @Option(names = "--cut", paramLabel = "F", description = "Share of streams cut mid-answer by an in-stream error event (0..1).")
    private String cut;
    @Option(names = "--api-key", paramLabel = "KEY", description = "The only key accepted; others get 401 (default: any).")
    private String apiKey;
    @Option(names = "--max-concurrent", paramLabel = "N", description = "Cap on open requests, over it 429 (0 = none).")
    private String maxConcurrent;
    @Option(names = "--seed", paramLabel = "N", description = "Seed of the decision sequence (default 1).")
    private String seed;
    @Option(names = "--event-loops", paramLabel = "N", description = "Event loops serving connections (default: one per core).")
    private String eventLoops;
    @Option(names = "--omit-role-chunk", paramLabel = "BOOL", arity = "0..1", fallbackValue = "true",
            description = "Quirk: no first role chunk; the role rides on the first content chunk.")
    private String omitRoleChunk;
    @Option(names = "--finish-with-last-token", paramLabel = "BOOL", arity = "0..1", fallbackValue = "true",
            description = "Quirk: last content and finish_reason in the same chunk.")
    private String finishWithLastToken;
    @Option(names = "--no-usage", paramLabel = "BOOL", arity = "0..1", fallbackValue = "true",
            description = "Quirk: never send usage in streams.")
    private String noUsage;

    MockLlmCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() throws InterruptedException {
        MockLlmOptions options;
        try {
            options = options(ctx.env());
        } catch (IllegalArgumentException e) {
            ctx.err().println("ragd mock-llm: " + e.getMessage());
            ctx.err().flush();
            return 2;
        }
        Vertx vertx = Vertx.vertx(new io.vertx.core.VertxOptions().setPreferNativeTransport(true));
        MockLlmServer server;
        try {
            server = MockLlmServer.start(vertx, options).await(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            vertx.close();
            ctx.err().println("ragd mock-llm: cannot listen on " + options.host() + ":" + options.port() + ": "
                    + e.getMessage());
            ctx.err().flush();
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close().eventually(vertx::close);
            stopped.countDown();
        }, "mock-llm-shutdown"));
        ctx.out().println("mock-llm listening on port " + server.port() + "  (OpenAI base URL http://localhost:"
                + server.port() + "/v1, stats at /mock/stats, Ctrl+C stops)");
        ctx.out().flush();
        stopped.await();
        return 0;
    }

    MockLlmOptions options(Env env) {
        MockLlmOptions d = profile(env).map(p -> p.apply(MockLlmOptions.defaults())).orElse(MockLlmOptions.defaults());
        return new MockLlmOptions(
                text(host, env, "HOST", d.host()),
                (int) integer("--port", port, env, "PORT", d.port()),
                integer("--ttft-ms", ttftMs, env, "TTFT_MS", d.ttftMs()),
                integer("--token-ms", tokenMs, env, "TOKEN_MS", d.tokenMs()),
                (int) integer("--tokens", tokens, env, "TOKENS", d.tokens()),
                share("--rate-429", rate429, env, "RATE_429", d.rate429()),
                (int) integer("--retry-after-s", retryAfterS, env, "RETRY_AFTER_S", d.retryAfterS()),
                share("--rate-5xx", rate5xx, env, "RATE_5XX", d.rate5xx()),
                share("--stall", stall, env, "STALL", d.stall()),
                (int) integer("--max-concurrent", maxConcurrent, env, "MAX_CONCURRENT", d.maxConcurrent()),
                signed("--seed", seed, env, "SEED", d.seed()),
                bool("--omit-role-chunk", omitRoleChunk, env, "OMIT_ROLE_CHUNK"),
                bool("--finish-with-last-token", finishWithLastToken, env, "FINISH_WITH_LAST_TOKEN"),
                bool("--no-usage", noUsage, env, "NO_USAGE"),
                (int) integer("--event-loops", eventLoops, env, "EVENT_LOOPS", d.eventLoops()),
                share("--cut", cut, env, "CUT", d.cut()),
                text(apiKey, env, "API_KEY", d.apiKey()),
                integer("--rpm", rpm, env, "RPM", d.rpm()),
                integer("--tpm", tpm, env, "TPM", d.tpm()));
    }

    private Optional<MockProfile> profile(Env env) {
        String v = pick(profile, env, "PROFILE");
        if (v == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(MockProfile.parse(v));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(source("--profile", profile, "PROFILE") + " must be one of "
                    + MockProfile.labels() + ", got '" + v + "'");
        }
    }

    private static String pick(String flag, Env env, String name) {
        if (flag != null) {
            return flag.strip();
        }
        String v = env.raw("MOCK_LLM_" + name);
        return v == null || v.isBlank() ? null : v.strip();
    }

    private static String source(String option, String flag, String name) {
        return flag != null ? option : option + " (MOCK_LLM_" + name + ")";
    }

    private static String text(String flag, Env env, String name, String dflt) {
        String v = pick(flag, env, name);
        return v == null ? dflt : v;
    }

    private static long integer(String option, String flag, Env env, String name, long dflt) {
        String v = pick(flag, env, name);
        if (v == null) {
            return dflt;
        }
        try {
            long n = Long.parseLong(v);
            if (n >= 0 && n <= Integer.MAX_VALUE) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException(source(option, flag, name) + " must be a non-negative integer, got '" + v + "'");
    }

    private static long signed(String option, String flag, Env env, String name, long dflt) {
        String v = pick(flag, env, name);
        try {
            return v == null ? dflt : Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(source(option, flag, name) + " must be an integer, got '" + v + "'");
        }
    }

    private static double share(String option, String flag, Env env, String name, double dflt) {
        String v = pick(flag, env, name);
        if (v == null) {
            return dflt;
        }
        try {
            double f = Double.parseDouble(v);
            if (f >= 0 && f <= 1) {
                return f;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException(source(option, flag, name) + " must be a share from 0 to 1, got '" + v + "'");
    }

    private static boolean bool(String option, String flag, Env env, String name) {
        String v = pick(flag, env, name);
        if (v == null) {
            return false;
        }
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "true", "1", "yes" -> true;
            case "false", "0", "no" -> false;
            default -> throw new IllegalArgumentException(source(option, flag, name) + " must be true or false, got '" + v + "'");
        };
    }
}
