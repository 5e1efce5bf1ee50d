package dev.ragd.mock;

/**
 * Knobs of the upstream simulator. Every share is in [0, 1]; every count and delay is non-negative.
 * The compact constructor rejects bad values with a message naming the command-line option.
 *
 * @param host            interface to bind (default {@code 0.0.0.0})
 * @param port            port to bind; 0 picks an ephemeral port (default 8100)
 * @param ttftMs          delay before the first token of an answer (default 0)
 * @param tokenMs         delay between two tokens (default 0)
 * @param tokens          answer length in tokens; 0 keeps the grounded answer's natural length
 * @param rate429         share of requests answered 429 with {@code Retry-After}
 * @param retryAfterS     value of {@code Retry-After} in seconds (default 1)
 * @param rate5xx         share of requests answered 500 or 503
 * @param stall           share of streams that stop mid-stream and never finish
 * @param maxConcurrent   cap on concurrently open chat/embedding requests, over it: 429; 0 = no cap
 * @param seed            seed of the decision sequence (same seed and request order, same decisions)
 * @param omitRoleChunk   quirk: no first {@code {"role":"assistant"}} chunk
 * @param finishWithLastToken quirk: the last content token and {@code finish_reason} in one chunk
 * @param noUsage         quirk: never send usage, even when {@code stream_options.include_usage} asks
 * @param eventLoops      event loops serving connections (server instances sharing the port), at least 1
 * @param cut             share of streams that, after part of the answer, send an in-stream
 *                        {@code data: {"error": ...}} event and end (an upstream failing mid-answer)
 * @param apiKey          when set, the only accepted key (Bearer or {@code api-key}); others get 401
 *                        {@code invalid_api_key}; null accepts any non-empty key
 * @param rpm             requests-per-minute quota, enforced: over it, 429 until the minute resets; 0 = not
 *                        enforced (the headers then report a nominal {@value #NOMINAL_RPM})
 * @param tpm             tokens-per-minute quota, enforced as Azure OpenAI does: a request costs its prompt
 *                        tokens plus its {@code max_tokens} (or {@code tokens}); when this minute's budget
 *                        cannot pay it, 429 with {@code Retry-After} until the minute resets and
 *                        {@code x-ratelimit-remaining-tokens: 0}; 0 = not enforced (nominal {@value #NOMINAL_TPM})
 */
public record MockLlmOptions(String host, int port, long ttftMs, long tokenMs, int tokens,
        double rate429, int retryAfterS, double rate5xx, double stall, int maxConcurrent, long seed,
        boolean omitRoleChunk, boolean finishWithLastToken, boolean noUsage, int eventLoops, double cut,
        String apiKey, long rpm, long tpm) {

    public static final int DEFAULT_PORT = 8100;
    /** The requests-per-minute limit reported when {@code rpm} is 0 (not enforced). */
    public static final long NOMINAL_RPM = 10_000;
    /** The tokens-per-minute limit reported when {@code tpm} is 0 (not enforced). */
    public static final long NOMINAL_TPM = 2_000_000;

    public MockLlmOptions {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("--host must not be empty");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("--port must be from 0 to 65535, got " + port);
        }
        nonNegative("--ttft-ms", ttftMs);
        nonNegative("--token-ms", tokenMs);
        nonNegative("--tokens", tokens);
        share("--rate-429", rate429);
        nonNegative("--retry-after-s", retryAfterS);
        share("--rate-5xx", rate5xx);
        share("--stall", stall);
        nonNegative("--max-concurrent", maxConcurrent);
        if (eventLoops < 1) {
            throw new IllegalArgumentException("--event-loops must be at least 1, got " + eventLoops);
        }
        share("--cut", cut);
        if (apiKey != null && apiKey.isBlank()) {
            throw new IllegalArgumentException("--api-key must not be blank");
        }
        nonNegative("--rpm", rpm);
        nonNegative("--tpm", tpm);
    }

    /** Options without a per-minute quota (the knobs before {@code rpm} and {@code tpm} existed). */
    public MockLlmOptions(String host, int port, long ttftMs, long tokenMs, int tokens, double rate429,
            int retryAfterS, double rate5xx, double stall, int maxConcurrent, long seed, boolean omitRoleChunk,
            boolean finishWithLastToken, boolean noUsage, int eventLoops, double cut, String apiKey) {
        this(host, port, ttftMs, tokenMs, tokens, rate429, retryAfterS, rate5xx, stall, maxConcurrent, seed,
                omitRoleChunk, finishWithLastToken, noUsage, eventLoops, cut, apiKey, 0, 0);
    }

    /** Options without mid-stream cuts and accepting any key (the knobs before {@code cut} existed). */
    public MockLlmOptions(String host, int port, long ttftMs, long tokenMs, int tokens, double rate429,
            int retryAfterS, double rate5xx, double stall, int maxConcurrent, long seed, boolean omitRoleChunk,
            boolean finishWithLastToken, boolean noUsage, int eventLoops) {
        this(host, port, ttftMs, tokenMs, tokens, rate429, retryAfterS, rate5xx, stall, maxConcurrent, seed,
                omitRoleChunk, finishWithLastToken, noUsage, eventLoops, 0, null);
    }

    /** Defaults: port 8100, no delays, natural answer length, no failures, no cap, seed 1, one event loop per core. */
    public static MockLlmOptions defaults() {
        return new MockLlmOptions("0.0.0.0", DEFAULT_PORT, 0, 0, 0, 0, 1, 0, 0, 0, 1, false, false, false,
                Math.max(1, Runtime.getRuntime().availableProcessors()));
    }

    private static void nonNegative(String option, long value) {
        if (value < 0) {
            throw new IllegalArgumentException(option + " must be a non-negative integer, got " + value);
        }
    }

    private static void share(String option, double value) {
        if (!(value >= 0 && value <= 1)) {
            throw new IllegalArgumentException(option + " must be a share from 0 to 1, got " + value);
        }
    }

    public MockLlmOptions withHost(String v) {
        return new MockLlmOptions(v, port, ttftMs, tokenMs, tokens, rate429, retryAfterS, rate5xx, stall, maxConcurrent, seed, omitRoleChunk, finishWithLastToken, noUsage, eventLoops, cut, apiKey, rpm, tpm);
    }

    public MockLlmOptions withPort(int v) {
        return new MockLlmOptions(host, v, ttftMs, tokenMs, tokens, rate429, retryAfterS, rate5xx, stall, maxConcurrent, seed, omitRoleChunk, finishWithLastToken, noUsage, eventLoops, cut, apiKey, rpm, tpm);
    }

    public MockLlmOptions withTtftMs(long v) {
        return new MockLlmOptions(host, port, v, tokenMs, tokens, rate429, retryAfterS, rate5xx, stall, maxConcurrent, seed, omitRoleChunk, finishWithLastToken, noUsage, eventLoops, cut, apiKey, rpm, tpm);
    }

    public MockLlmOptions withTokenMs(long v) {
        return new MockLlmOptions(host, port, ttftMs, v, tokens, rate429, retryAfterS, rate5xx, stall, maxConcurrent, seed, omitRoleChunk, finishWithLastToken, noUsage, eventLoops, cut, apiKey, rpm, tpm);
    }

    public MockLlmOptions withTokens(int v) {
        return new MockLlmOptions(host, port, ttftMs, tokenMs, v, rate429, retryAfterS, rate5xx, stall, maxConcurrent, seed, omitRoleChunk, finishWithLastToken, noUsage, eventLoops, cut, apiKey, rpm, tpm);
    }

    public MockLlmOptions withRate429(double v) {
        return new MockLlmOptions(host, port, ttftMs, tokenMs, tokens, v, retryAfterS, rate5xx, stall, maxConcurrent, seed, omitRoleChunk, finishWithLastToken, noUsage, eventLoops, cut, apiKey, rpm, tpm);
    }

    public MockLlmOptions withRetryAfterS(int v) {
        return new MockLlmOptions(host, port, ttftMs, tokenMs, tokens, rate429, v, rate5xx, stall, maxConcurrent, seed, omitRoleChunk, finishWithLastToken, noUsage, eventLoops, cut, apiKey, rpm, tpm);
    }

    public MockLlmOptions withRate5xx(double v) {
        return new MockLlmOptions(host, port, ttftMs, tokenMs, tokens, rate429, retryAfterS, v, stall, maxConcurrent, seed, omitRoleChunk, finishWithLastToken, noUsage, eventLoops, cut, apiKey, rpm, tpm);
    }

    public MockLlmOptions withStall(double v) {
        return new MockLlmOptions(host, port, ttftMs, tokenMs, tokens, rate429, retryAfterS, rate5xx, v, maxConcurrent, seed, omitRoleChunk, finishWithLastToken, noUsage, eventLoops, cut, apiKey, rpm, tpm);
    }

    public MockLlmOptions withMaxConcurrent(int v) {
        return new MockLlmOptions(host, port, ttftMs, tokenMs, tokens, rate429, retryAfterS, rate5xx, stall, v, seed, omitRoleChunk, finishWithLastToken, noUsage, eventLoops, cut, apiKey, rpm, tpm);
    }

    public MockLlmOptions withSeed(long v) {
        return new MockLlmOptions(host, port, ttftMs, tokenMs, tokens, rate429, retryAfterS, rate5xx, stall, maxConcurrent, v, omitRoleChunk, finishWithLastToken, noUsage, eventLoops, cut, apiKey, rpm, tpm);
    }

    public MockLlmOptions withOmitRoleChunk(boolean v) {
        return new MockLlmOptions(host, port, ttftMs, tokenMs, tokens, rate429, retryAfterS, rate5xx, stall, maxConcurrent, seed, v, finishWithLastToken, noUsage, eventLoops, cut, apiKey, rpm, tpm);
    }

    public MockLlmOptions withFinishWithLastToken(boolean v) {
        return new MockLlmOptions(host, port, ttftMs, tokenMs, tokens, rate429, retryAfterS, rate5xx, stall, maxConcurrent, seed, omitRoleChunk, v, noUsage, eventLoops, cut, apiKey, rpm, tpm);
    }

    public MockLlmOptions withNoUsage(boolean v) {
        return new MockLlmOptions(host, port, ttftMs, tokenMs, tokens, rate429, retryAfterS, rate5xx, stall, maxConcurrent, seed, omitRoleChunk, finishWithLastToken, v, eventLoops, cut, apiKey, rpm, tpm);
    }

    public MockLlmOptions withEventLoops(int v) {
        return new MockLlmOptions(host, port, ttftMs, tokenMs, tokens, rate429, retryAfterS, rate5xx, stall, maxConcurrent, seed, omitRoleChunk, finishWithLastToken, noUsage, v, cut, apiKey, rpm, tpm);
    }

    public MockLlmOptions withCut(double v) {
        return new MockLlmOptions(host, port, ttftMs, tokenMs, tokens, rate429, retryAfterS, rate5xx, stall, maxConcurrent, seed, omitRoleChunk, finishWithLastToken, noUsage, eventLoops, v, apiKey, rpm, tpm);
    }

    public MockLlmOptions withApiKey(String v) {
        return new MockLlmOptions(host, port, ttftMs, tokenMs, tokens, rate429, retryAfterS, rate5xx, stall, maxConcurrent, seed, omitRoleChunk, finishWithLastToken, noUsage, eventLoops, cut, v, rpm, tpm);
    }

    public MockLlmOptions withRpm(long v) {
        return new MockLlmOptions(host, port, ttftMs, tokenMs, tokens, rate429, retryAfterS, rate5xx, stall, maxConcurrent, seed, omitRoleChunk, finishWithLastToken, noUsage, eventLoops, cut, apiKey, v, tpm);
    }

    public MockLlmOptions withTpm(long v) {
        return new MockLlmOptions(host, port, ttftMs, tokenMs, tokens, rate429, retryAfterS, rate5xx, stall, maxConcurrent, seed, omitRoleChunk, finishWithLastToken, noUsage, eventLoops, cut, apiKey, rpm, v);
    }
}
