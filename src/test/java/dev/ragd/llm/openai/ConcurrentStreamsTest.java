package dev.ragd.llm.openai;

import static dev.ragd.llm.openai.FakeUpstream.answer;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ragd.llm.Usage;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** One shared client carries a thousand simultaneous streams, each on its own caller's event loop. */
class ConcurrentStreamsTest {

    @Test
    void a_thousand_concurrent_streams_all_complete_intact_on_their_callers_event_loops() throws Exception {
        int streams = Integer.getInteger("streams", 1_000);
        String[] tokens = {"The", " warranty", " lasts", " two", " years", " [1]", "."};
        try (FakeUpstream upstream = new FakeUpstream(answer(50, tokens));
             GeneratorHarness harness = new GeneratorHarness(upstream)) {
            var env = harness.openAiEnv();
            env.put("RAGD_LLM_FIRST_TOKEN_TIMEOUT_MS", "30000");
            env.put("RAGD_LLM_CONNECT_TIMEOUT_MS", "10000");
            env.put("RAGD_LLM_STALL_TIMEOUT_MS", "30000"); // correctness under concurrency, not speed, on a shared 2-core box
            var generator = harness.generator(env);
            harness.start(generator).usage(); // warm up class loading and the first connection

            long t0 = System.nanoTime();
            List<GeneratorHarness.Run> runs = new ArrayList<>();
            for (int i = 0; i < streams; i++) {
                runs.add(harness.start(generator));
            }
            for (GeneratorHarness.Run run : runs) {
                run.end.exceptionally(e -> null).get(60, java.util.concurrent.TimeUnit.SECONDS);
            }
            long[] ttft = runs.stream().filter(r -> r.firstTokenNanos > 0)
                    .mapToLong(r -> (r.firstTokenNanos - r.startedNanos) / 1_000_000).sorted().toArray();
            long t0ms = System.currentTimeMillis() - (System.nanoTime() - t0) / 1_000_000;
            System.out.printf("MEASURED request arrivals after start: first=%d last=%d ms%n",
                    upstream.requests.get(1).atMs() - t0ms, upstream.requests.getLast().atMs() - t0ms);
            System.out.printf("MEASURED first token ms: p50=%d p95=%d max=%d; threads=%s%n", ttft[ttft.length / 2],
                    ttft[ttft.length * 95 / 100], ttft[ttft.length - 1],
                    runs.stream().map(r -> r.contextThread.join().getName()).distinct().toList());
            for (GeneratorHarness.Run run : runs) {
                assertThat(run.usage()).isEqualTo(new Usage(42, tokens.length));
                assertThat(run.text()).isEqualTo("The warranty lasts two years [1].");
                assertThat(run.handlerThreads).containsExactly(run.contextThread.get());
            }
            long ms = (System.nanoTime() - t0) / 1_000_000;
            System.out.printf("MEASURED %d concurrent streams x %d tokens (50 ms apart upstream): %d ms wall,"
                    + " %d upstream connections opened%n", streams, tokens.length, ms, upstream.connectionsOpened.get());
            assertThat(upstream.requests).hasSize(streams + 1);
            assertThat(upstream.connectionsOpened.get()).as("streams overlap, so they used parallel connections")
                    .isGreaterThan(streams / 2);
        }
    }
}
