package dev.ragd.llm.openai;

import static dev.ragd.llm.openai.FakeUpstream.answer;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ragd.llm.Usage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** One generator carries a thousand simultaneous streams, each on its own caller's event loop. */
class ConcurrentStreamsTest {

    private static final String[] TOKENS = {"The", " warranty", " lasts", " two", " years", " [1]", "."};

    @Test
    void a_thousand_concurrent_streams_all_complete_intact_on_their_callers_event_loops() throws Exception {
        int streams = Integer.getInteger("streams", 1_000);
        try (FakeUpstream upstream = new FakeUpstream(answer(50, TOKENS));
             GeneratorHarness harness = new GeneratorHarness(upstream)) {
            var env = harness.openAiEnv();
            env.put("RAGD_LLM_FIRST_TOKEN_TIMEOUT_MS", "30000"); // correctness under load, not speed:
            env.put("RAGD_LLM_STALL_TIMEOUT_MS", "30000");       // the test machine is small and shared
            var generator = harness.generator(env);
            harness.start(generator).usage(); // warm up class loading

            for (int round = 1; round <= 2; round++) { // round 2 runs on warm code and pooled connections
                int connectionsBefore = upstream.connectionsOpened.get();
                long t0 = System.nanoTime();
                List<GeneratorHarness.Run> runs = new ArrayList<>();
                for (int i = 0; i < streams; i++) {
                    runs.add(harness.start(generator));
                }
                for (GeneratorHarness.Run run : runs) {
                    run.end.exceptionally(e -> null).get(60, TimeUnit.SECONDS);
                }
                long wallMs = (System.nanoTime() - t0) / 1_000_000;
                for (GeneratorHarness.Run run : runs) {
                    assertThat(run.usage()).isEqualTo(new Usage(42, TOKENS.length));
                    assertThat(run.text()).isEqualTo("The warranty lasts two years [1].");
                    assertThat(run.handlerThreads).containsExactly(run.contextThread.get());
                }
                long[] ttft = runs.stream().mapToLong(r -> (r.firstTokenNanos - r.startedNanos) / 1_000_000).sorted().toArray();
                System.out.printf("MEASURED round %d: %d concurrent streams x %d tokens (upstream paces 50 ms):"
                                + " wall %d ms, first token p50 %d / p95 %d / max %d ms, new upstream connections %d%n",
                        round, streams, TOKENS.length, wallMs, ttft[ttft.length / 2], ttft[ttft.length * 95 / 100],
                        ttft[ttft.length - 1], upstream.connectionsOpened.get() - connectionsBefore);
            }
            assertThat(upstream.requests).hasSize(2 * streams + 1);
            assertThat(upstream.connectionsOpened.get()).as("streams overlap, so they used parallel connections")
                    .isGreaterThan(streams / 2);
        }
    }
}
