package dev.ragd.ops.status;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ragd.observe.ModelCall;
import dev.ragd.observe.ModelCallObserver;
import dev.ragd.observe.RequestInfo;
import dev.ragd.observe.RunEnd;
import dev.ragd.observe.RunObserver;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class StatusWindowTest {

    private static final long T0 = 1_767_225_600_000L; // a bucket boundary
    private static final RequestInfo INFO = new RequestInfo("ws_native", "log-1", "req-1",
            "What is the warranty of the Cinder Kettle? SECRET-QUESTION-MARK", "leak@example.com", 0, null, null);
    private static final ModelCall CALL = new ModelCall("chat", "openai", "gpt-x", "openai:gpt-x", "127.0.0.1");

    private final AtomicLong clock = new AtomicLong(T0);
    private final StatusWindow window = new StatusWindow(clock::get, 10, 90);

    private static void chat(StatusWindow w, long ttftMs, long totalMs, String outcome) {
        RunObserver run = w.admitted(INFO);
        if (ttftMs >= 0) {
            run.firstToken(ttftMs);
        }
        run.ended(new RunEnd(outcome, outcome.equals("failed") ? "generation_failed" : null, 3, 0, 3, 5,
                Math.max(0, ttftMs), totalMs));
    }

    private JsonObject data() {
        return new JsonObject(window.json());
    }

    private static JsonObject w(JsonObject data, String name) {
        return data.getJsonObject("windows").getJsonObject(name);
    }

    @Test
    void withNoTrafficEverythingIsZeroAndNoPercentileIsMade() {
        JsonObject d = data();

        for (String name : List.of("1m", "5m", "15m")) {
            JsonObject win = w(d, name);
            assertThat(win.getLong("admitted")).isZero();
            assertThat(win.getJsonObject("ended").getLong("completed")).isZero();
            assertThat(win.getJsonObject("rejected").isEmpty()).isTrue();
            assertThat(win.getJsonObject("ttft_ms").getLong("count")).isZero();
            for (String p : List.of("p50", "p95", "p99", "max", "mean")) {
                assertThat(win.getJsonObject("ttft_ms").containsKey(p)).isTrue();
                assertThat(win.getJsonObject("ttft_ms").getValue(p)).as(p).isNull();
                assertThat(win.getJsonObject("answer_ms").getValue(p)).as(p).isNull();
            }
            assertThat(win.getDouble("requests_per_s")).isZero();
        }
        JsonObject series = d.getJsonObject("series");
        assertThat(series.getJsonArray("ended")).hasSize(90).allMatch(v -> ((Number) v).longValue() == 0);
        assertThat(series.getJsonArray("ttft_p95")).hasSize(90).allMatch(v -> v == null);
        assertThat(series.getLong("start")).isEqualTo(T0 - 89 * 10_000L);
        assertThat(d.getJsonArray("upstreams")).isEmpty();
        assertThat(d.getJsonObject("gauges").getValue("active_generations")).as("no gauges given yet").isNull();
    }

    @Test
    void bucketsRollOverWithTheClockAndOldOnesLeaveTheWindowButNotTheTotals() {
        chat(window, 100, 900, "completed");
        clock.addAndGet(10_000); // next bucket
        chat(window, 200, 1_000, "completed");
        chat(window, -1, 50, "not_found");
        clock.addAndGet(3_000);

        JsonObject d = data();
        assertThat(w(d, "1m").getJsonObject("ended").getLong("completed")).isEqualTo(2);
        assertThat(w(d, "1m").getJsonObject("ended").getLong("not_found")).isEqualTo(1);
        assertThat(w(d, "1m").getDouble("seconds")).as("only 13 s since start").isEqualTo(13.0);
        assertThat(w(d, "1m").getDouble("requests_per_s")).isEqualTo(Math.round(3 / 13.0 * 100) / 100.0);
        JsonArray ended = d.getJsonObject("series").getJsonArray("ended");
        assertThat(ended.getLong(88)).isEqualTo(1);
        assertThat(ended.getLong(89)).isEqualTo(2);
        assertThat(d.getJsonObject("series").getJsonArray("ttft_p50").getLong(88)).isEqualTo(100);
        assertThat(d.getJsonObject("series").getJsonArray("ttft_p50").getLong(89)).isEqualTo(200);
        assertThat(d.getJsonObject("series").getJsonArray("answer_p95").getLong(89))
                .as("the answer time of completed and not_found answers").isEqualTo(1_000);

        clock.addAndGet(60_000); // the first two buckets are now 7 and 8 buckets old
        d = data();
        assertThat(w(d, "1m").getLong("admitted")).isZero();
        assertThat(w(d, "1m").getDouble("seconds")).isEqualTo(53.0);
        assertThat(w(d, "5m").getLong("admitted")).isEqualTo(3);
        assertThat(w(d, "5m").getJsonObject("ttft_ms").getLong("p50")).as("within 1/32").isBetween(97L, 103L);
        assertThat(w(d, "5m").getJsonObject("ttft_ms").getLong("max")).isEqualTo(200);
        assertThat(w(d, "5m").getJsonObject("ttft_ms").getLong("mean")).isEqualTo(150);
        assertThat(d.getJsonObject("series").getJsonArray("ended").getLong(82)).isEqualTo(1);
        assertThat(d.getJsonObject("series").getJsonArray("ended").getLong(83)).isEqualTo(2);

        clock.addAndGet(15 * 60_000L); // past the whole ring
        chat(window, 300, 400, "cancelled");
        d = data();
        assertThat(w(d, "15m").getLong("admitted")).as("the slots were reused and cleared").isEqualTo(1);
        assertThat(w(d, "15m").getJsonObject("ended").getLong("cancelled")).isEqualTo(1);
        assertThat(w(d, "15m").getJsonObject("ended").getLong("completed")).isZero();
        assertThat(w(d, "15m").getJsonObject("answer_ms").getLong("count")).as("cancelled: no answer time").isZero();
        assertThat(w(d, "15m").getDouble("seconds")).isEqualTo(893.0);
        assertThat(d.getJsonObject("series").getJsonArray("ended").stream().mapToLong(v -> ((Number) v).longValue()).sum())
                .isEqualTo(1);
        JsonObject totals = d.getJsonObject("totals");
        assertThat(totals.getLong("admitted")).isEqualTo(4);
        assertThat(totals.getJsonObject("ended").getLong("completed")).isEqualTo(2);
        assertThat(totals.getJsonObject("ttft_ms").getLong("count")).isEqualTo(3);
        assertThat(totals.getJsonObject("ttft_ms").getLong("max")).isEqualTo(300);
        assertThat(totals.getJsonObject("answer_ms").getLong("count")).isEqualTo(3);
        assertThat(totals.getJsonObject("ttft_ms").getLong("p50")).as("since start too, within 1/32").isBetween(194L, 206L);
        assertThat(totals.getJsonObject("ttft_ms").getLong("p99")).isEqualTo(300);
    }

    @Test
    void aClockGoingBackPastTheWindowCountsInTheTotalsOnly() {
        clock.addAndGet(20 * 60_000L);
        chat(window, 10, 20, "completed");
        clock.addAndGet(-15 * 60_000L); // 90 buckets back: the same slot, which holds a newer bucket
        chat(window, 10, 20, "completed");
        clock.addAndGet(15 * 60_000L);

        JsonObject d = data();
        assertThat(w(d, "15m").getJsonObject("ended").getLong("completed")).isEqualTo(1);
        assertThat(d.getJsonObject("totals").getJsonObject("ended").getLong("completed")).isEqualTo(2);
    }

    @Test
    void windowPercentilesMatchASortedListWithinTheDocumentedAccuracy() {
        Random random = new Random(7);
        List<Long> ttft = new ArrayList<>();
        List<Long> answers = new ArrayList<>();
        for (int i = 0; i < 3_000; i++) {
            long t = Math.round(Math.exp(6 + 0.8 * random.nextGaussian()));
            long a = t + 500 + random.nextInt(20_000);
            ttft.add(t);
            answers.add(a);
            chat(window, t, a, "completed");
            if (i % 100 == 99) {
                clock.addAndGet(7_000); // spread over many buckets, all within 5 minutes
            }
        }
        JsonObject d = data();
        for (String name : List.of("5m", "15m")) {
            for (var e : List.of(java.util.Map.entry("ttft_ms", ttft), java.util.Map.entry("answer_ms", answers))) {
                List<Long> sorted = new ArrayList<>(e.getValue());
                Collections.sort(sorted);
                JsonObject lat = w(d, name).getJsonObject(e.getKey());
                assertThat(lat.getLong("count")).isEqualTo(3_000);
                assertThat(lat.getLong("max")).isEqualTo(sorted.getLast());
                for (int p : new int[] {50, 95, 99}) {
                    long truth = sorted.get((p * sorted.size() + 99) / 100 - 1);
                    long reported = lat.getLong("p" + p);
                    assertThat((double) Math.abs(reported - truth)).as("%s %s p%d: %d vs %d", name, e.getKey(), p,
                            reported, truth).isLessThanOrEqualTo(Math.max(0, truth / 32.0));
                }
            }
        }
    }

    @Test
    void eventsFromSeveralThreadsAreAllCountedEvenAcrossBucketBoundaries() throws Exception {
        int threads = 4;
        int perThread = 10_000;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch go = new CountDownLatch(1);
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                boolean ticks = t == 0;
                workers.add(pool.submit(() -> {
                    go.await();
                    for (int i = 0; i < perThread; i++) {
                        if (ticks && i % 50 == 49) {
                            clock.addAndGet(1_000); // 200 s in all: 20 new buckets, cleared while the others write
                        }
                        chat(window, 1 + i % 5_000, 2 + i % 9_000, "completed");
                        window.rejected(INFO, "busy", "5 of 5");
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : workers) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        JsonObject d = data();
        long n = (long) threads * perThread;
        for (JsonObject counts : List.of(w(d, "15m"), d.getJsonObject("totals"))) {
            assertThat(counts.getLong("admitted")).isEqualTo(n);
            assertThat(counts.getJsonObject("ended").getLong("completed")).isEqualTo(n);
            assertThat(counts.getJsonObject("rejected").getLong("busy")).isEqualTo(n);
            assertThat(counts.getJsonObject("ttft_ms").getLong("count")).isEqualTo(n);
            assertThat(counts.getJsonObject("answer_ms").getLong("count")).isEqualTo(n);
        }
        List<Long> series = d.getJsonObject("series").getJsonArray("ended").stream()
                .map(v -> ((Number) v).longValue()).toList();
        assertThat(series.stream().mapToLong(Long::longValue).sum()).isEqualTo(n);
        assertThat(series.stream().filter(v -> v > 0).count()).as("spread over buckets").isGreaterThanOrEqualTo(20);
    }

    @Test
    void upstreamErrorsRetriesRefusalsBreakerAndHeadroomAreShownPerUpstream() {
        window.knownUpstream("openai:gpt-x");
        RunObserver run = window.admitted(INFO);
        ModelCallObserver call = run.modelCall(CALL);
        call.rateLimit(120L, 40_000L);
        call.retrying("rate_limited", 429, 1, 1_000, "Retry-After 1 s");
        call.rateLimit(3L, null);
        call.failed("timeout", 0, 2, 0, "no first token within 10000 ms");
        clock.addAndGet(2_000);
        window.breakerChanged("openai:gpt-x", "open");
        run.modelCall(CALL).failed("circuit_open", 0, 0, 0, "");
        run.ended(new RunEnd("failed", "upstream_timeout", 0, 0, 0, 5, 0, 12_000));

        JsonObject d = data();
        JsonObject win = w(d, "1m");
        assertThat(win.getJsonObject("upstream_errors").fieldNames()).containsExactlyInAnyOrder("rate_limited", "timeout");
        assertThat(win.getJsonObject("upstream_errors").getLong("rate_limited")).isEqualTo(1);
        assertThat(win.getJsonObject("upstream_errors").getLong("timeout")).isEqualTo(1);
        assertThat(win.getLong("retries")).isEqualTo(1);
        assertThat(win.getLong("breaker_refusals")).isEqualTo(1);
        assertThat(win.getJsonObject("ended").getLong("failed")).isEqualTo(1);
        assertThat(win.getJsonObject("answer_ms").getLong("count")).as("failed: no answer time").isZero();
        assertThat(win.getLong("ratelimit_min_remaining_requests")).isEqualTo(3);
        assertThat(win.getLong("ratelimit_min_remaining_tokens")).isEqualTo(40_000);
        JsonArray ups = d.getJsonArray("upstreams");
        assertThat(ups).hasSize(1);
        JsonObject up = ups.getJsonObject(0);
        assertThat(up.getString("name")).isEqualTo("openai:gpt-x");
        assertThat(up.getString("breaker")).isEqualTo("open");
        assertThat(up.getLong("breaker_since")).isEqualTo(T0 + 2_000);
        assertThat(up.getLong("breaker_changes")).isEqualTo(1);
        assertThat(up.getLong("ratelimit_remaining_requests")).isEqualTo(3);
        assertThat(up.getLong("ratelimit_remaining_tokens")).as("last seen").isEqualTo(40_000);
        assertThat(up.getLong("ratelimit_at")).isEqualTo(T0);
        assertThat(d.getJsonObject("series").getJsonArray("upstream_errors").getLong(89)).isEqualTo(2);

        window.breakerChanged("openai:gpt-x", "closed");
        assertThat(data().getJsonArray("upstreams").getJsonObject(0).getString("breaker")).isEqualTo("closed");
    }

    @Test
    void gaugesAreReadOnEachPollAndOneThatThrowsIsUnknown() {
        AtomicLong queued = new AtomicLong(3);
        window.gauges(new StatusGauges(() -> 2, () -> 64, () -> (int) queued.get(), () -> 1000,
                () -> { throw new IllegalStateException("closed"); }, () -> 7, () -> 11L));
        JsonObject g = data().getJsonObject("gauges");
        assertThat(g.getInteger("active_generations")).isEqualTo(2);
        assertThat(g.getInteger("max_generations")).isEqualTo(64);
        assertThat(g.getInteger("chatlog_queue_depth")).isEqualTo(3);
        assertThat(g.getInteger("chatlog_queue_capacity")).isEqualTo(1000);
        assertThat(g.containsKey("open_connections")).isTrue();
        assertThat(g.getValue("open_connections")).isNull();
        assertThat(g.getInteger("open_websockets")).isEqualTo(7);
        assertThat(g.getLong("refused_connections")).isEqualTo(11);
        queued.set(9);
        assertThat(data().getJsonObject("gauges").getInteger("chatlog_queue_depth")).isEqualTo(9);
    }

    @Test
    void noUserContentReachesTheDataAndOddLabelsAreFoldedIntoOther() {
        chat(window, 10, 20, "completed");
        window.rejected(INFO, "question_too_long", "question of 1200 chars by leak@example.com");
        window.rejected(INFO, "<img src=x onerror=alert(1)>", "SECRET-QUESTION-MARK");
        window.rejected(INFO, null, null);
        for (int i = 0; i < 40; i++) {
            window.rejected(INFO, "code_" + i, "");
        }
        window.admitted(INFO).modelCall(new ModelCall("chat", "openai", "m", "<b>bad name</b>", null))
                .retrying("Rate Limited!", 429, 1, 10, "");
        window.breakerChanged("x", "<svg onload=alert(1)>");

        String json = window.json();
        assertThat(json).doesNotContain("SECRET-QUESTION-MARK", "leak@example.com", "log-1", "req-1", "<", ">",
                "onerror", "chars");
        JsonObject rejected = w(new JsonObject(json), "1m").getJsonObject("rejected");
        assertThat(rejected.getLong("question_too_long")).isEqualTo(1);
        assertThat(rejected.size()).as("15 own columns and other").isEqualTo(StatusWindow.LABELS);
        assertThat(rejected.getLong("other")).isEqualTo(2 + 40 - (StatusWindow.LABELS - 2));
        JsonObject errors = w(new JsonObject(json), "1m").getJsonObject("upstream_errors");
        assertThat(errors.getMap()).containsOnlyKeys("other");
        JsonArray ups = new JsonObject(json).getJsonArray("upstreams");
        assertThat(ups.stream().map(u -> ((JsonObject) u).getString("name")).toList()).containsExactly("x");
        assertThat(ups.getJsonObject(0).getString("breaker")).isEqualTo("unknown");
    }

    @Test
    void theSharedObserversAllocateNothingPerRequest() {
        RunObserver a = window.admitted(INFO);
        RunObserver b = window.admitted(INFO);
        assertThat(a).isSameAs(b);
        assertThat(a.modelCall(CALL)).isSameAs(b.modelCall(CALL));
    }
}
