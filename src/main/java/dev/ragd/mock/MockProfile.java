package dev.ragd.mock;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Named upstreams for load tests ({@code ragd mock-llm --profile NAME}): each sets defaults that an
 * explicit option or {@code MOCK_LLM_*} variable still overrides.
 *
 * <ul>
 *   <li>{@code fast}: a healthy small model: 300 ms to the first token, 20 ms per token (50 tokens/s),
 *       150-token answers (a whole answer in about 3.3 s).</li>
 *   <li>{@code slow}: a large model on a busy shared deployment: 1,200 ms to the first token, 45 ms per
 *       token (about 22 tokens/s), 250-token answers (about 12.4 s), the range GPT-4-class
 *       pay-as-you-go deployments show at peak hours.</li>
 *   <li>{@code rate-limited}: {@code fast} on a tight quota: 10% of requests answered 429 with
 *       {@code Retry-After: 2}, and an enforced quota of 1,000,000 tokens and 6,000 requests per minute
 *       (Azure's ratio of 6 requests per 1,000 tokens).</li>
 *   <li>{@code flaky}: {@code fast} with small shares of faults: 3% 500/503, 2% streams that stall
 *       forever, 2% streams cut mid-answer by an in-stream error.</li>
 * </ul>
 */
public enum MockProfile {
    FAST,
    SLOW,
    RATE_LIMITED,
    FLAKY;

    /** The name on the command line: {@code fast}, {@code slow}, {@code rate-limited}, {@code flaky}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** {@code base} with this profile's knobs set; the others (host, port, seed, quirks, ...) are kept. */
    public MockLlmOptions apply(MockLlmOptions base) {
        MockLlmOptions fast = base.withTtftMs(300).withTokenMs(20).withTokens(150);
        return switch (this) {
            case FAST -> fast;
            case SLOW -> base.withTtftMs(1_200).withTokenMs(45).withTokens(250);
            case RATE_LIMITED -> fast.withRate429(0.10).withRetryAfterS(2).withTpm(1_000_000).withRpm(6_000);
            case FLAKY -> fast.withRate5xx(0.03).withStall(0.02).withCut(0.02);
        };
    }

    /**
     * The profile named {@code label} (case-insensitive).
     *
     * @throws IllegalArgumentException naming {@code --profile} and the known names
     */
    public static MockProfile parse(String label) {
        for (MockProfile p : values()) {
            if (p.label().equalsIgnoreCase(label == null ? "" : label.strip())) {
                return p;
            }
        }
        throw new IllegalArgumentException("--profile must be one of " + labels() + ", got '" + label + "'");
    }

    /** The known names, comma separated. */
    public static String labels() {
        return Arrays.stream(values()).map(MockProfile::label).collect(Collectors.joining(", "));
    }
}
