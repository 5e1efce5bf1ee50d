package dev.ragd.ops.metrics;

import java.time.Duration;
import java.util.Arrays;

/** Histogram bucket bounds, chosen so that the SLOs people set fall on a bound. */
final class Buckets {

    private Buckets() {}

    /** Time to first token: a chat feels responsive within about a second; 2 s is the default SLO. */
    static final Duration[] FIRST_TOKEN = seconds(0.05, 0.1, 0.25, 0.5, 0.75, 1, 1.5, 2, 3, 5, 10, 20, 30, 60);

    /** Whole answers take seconds to minutes. */
    static final Duration[] ANSWER = seconds(0.1, 0.25, 0.5, 1, 2, 3, 5, 10, 20, 30, 60, 120);

    /** Searches, rewrites and chat-log writes: milliseconds when healthy, seconds when throttled or down. */
    static final Duration[] STEP = seconds(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10);

    /** The GenAI semantic conventions' advice for {@code gen_ai.client.operation.duration}. */
    static final Duration[] GEN_AI = seconds(0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48,
            40.96, 81.92);

    /** The GenAI semantic conventions' advice for {@code gen_ai.client.token.usage}. */
    static final double[] TOKENS = {1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216,
            67108864};

    private static Duration[] seconds(double... s) {
        return Arrays.stream(s).mapToObj(v -> Duration.ofNanos(Math.round(v * 1e9))).toArray(Duration[]::new);
    }
}
