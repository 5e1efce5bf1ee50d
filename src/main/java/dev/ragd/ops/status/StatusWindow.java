package dev.ragd.ops.status;

import dev.ragd.observe.ChatObserver;
import dev.ragd.observe.ModelCall;
import dev.ragd.observe.ModelCallObserver;
import dev.ragd.observe.RequestInfo;
import dev.ragd.observe.RunEnd;
import dev.ragd.observe.RunObserver;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;

/**
 * What the status page ({@code GET /status}) shows: a rolling window of this replica's requests,
 * kept in memory as a ring of time buckets (by default 90 of 10 seconds: the last 15 minutes), and
 * served as JSON at {@code GET /status/data}.
 *
 * <h2>What is counted</h2>
 * Per bucket: requests admitted; requests ended, by outcome ({@code completed}, {@code not_found},
 * {@code cancelled}, {@code failed}); requests refused before they started, by error code; failed
 * model-call attempts by error type (as {@code ragd_upstream_errors_total}: each retried attempt
 * and each final failure, not calls refused by an open breaker, which are counted apart); retries;
 * the lowest rate-limit headroom ({@code x-ratelimit-remaining-*}) seen; and two latency
 * histograms: time to first token (the {@code firstToken} event, as {@code
 * ragd_chat_time_to_first_token}: answers that streamed a model token; the fixed not-found answer
 * is not one) and answer time (a request's total time, for requests that ended {@code completed}
 * or {@code not_found}). Besides the window: totals since start, each upstream's breaker state and
 * last rate-limit headroom, and the {@link StatusGauges} read on each poll. Nothing of a request's
 * content is kept: not its question, its user's email, its ids, nor the rejection details.
 *
 * <h2>Cost</h2>
 * Only per-request events are heard (admitted, first token, ended, rejected; per model call:
 * retries, rate-limit headers, failure), never per token. An event costs a clock read, a volatile
 * read of its bucket's stamp and one to four atomic adds on a preallocated {@link AtomicLongArray};
 * the run and model-call observers handed out are shared, so nothing is allocated per request.
 * The first event of a new bucket clears it (about 650 longs, once per bucket); events arriving on
 * other threads meanwhile spin for that microsecond. Memory: 91 arrays (the buckets and the totals) of
 * about 5 KB.
 *
 * <h2>Percentiles and their accuracy</h2>
 * Each bucket has a fixed log-linear histogram per latency (see {@link LatencyBuckets}); a window's
 * percentiles are the nearest-rank percentiles of the sum of its buckets' histograms. A reported
 * value is exact below 32 ms and otherwise within 1/32 (3.125 %) of the true nearest-rank sample;
 * {@code max} is exact. The window "last 1 minute" is the current bucket and the 5 before it, so
 * it spans 50 to 60 seconds ({@code seconds} says how many, and is less right after start); 5 and
 * 15 minutes likewise. Counts are read without stopping writers, so a poll may miss events that
 * land while it reads; the next one has them.
 *
 * <h2>{@code GET /status/data}</h2>
 * <pre>{@code
 * {
 *   "now": 1767225600000,          // the window's clock, ms since the epoch (monotonic, set from the wall clock at start)
 *   "started": 1767225000000,      // when this window started (the replica's start)
 *   "bucket_s": 10, "buckets": 90, // the ring: 90 buckets of 10 s
 *   "gauges": {                    // read now; null when unknown
 *     "active_generations": 3, "max_generations": 64,
 *     "chatlog_queue_depth": 0, "chatlog_queue_capacity": 1000,
 *     "open_connections": 12, "open_websockets": 10, "refused_connections": 0 },
 *   "totals": COUNTS,              // since start
 *   "windows": { "1m": WINDOW, "5m": WINDOW, "15m": WINDOW },
 *   "upstreams": [ {               // each model upstream seen, or announced by knownUpstream
 *     "name": "openai:gpt-4o-mini",
 *     "breaker": "closed",         // closed | open | half_open
 *     "breaker_since": 1767225000000, "breaker_changes": 0,
 *     "ratelimit_remaining_requests": 4999, "ratelimit_remaining_tokens": 1999000,  // last seen, null if never
 *     "ratelimit_at": 1767225599000 } ],   // when last seen, null if never
 *   "series": {                    // one entry per bucket, oldest first; "start" is the oldest bucket's start
 *     "start": 1767224700000, "step_s": 10,
 *     "ended": [0, 4, ...], "failed": [...], "rejected": [...], "upstream_errors": [...],
 *     "ttft_p50": [null, 412, ...], "ttft_p95": [...], "answer_p50": [...], "answer_p95": [...] }  // ms, null: no sample
 * }
 * COUNTS = {
 *   "admitted": 10,
 *   "ended": { "completed": 7, "not_found": 1, "cancelled": 1, "failed": 1 },
 *   "rejected": { "busy": 2, "question_too_long": 1 },        // by error code (16 codes at most, then "other")
 *   "upstream_errors": { "rate_limited": 3, "timeout": 1 },    // by error type (likewise)
 *   "retries": 3, "breaker_refusals": 0,
 *   "ttft_ms": LATENCY, "answer_ms": LATENCY }
 * WINDOW = COUNTS + {
 *   "seconds": 57.3,               // the time the window spans
 *   "requests_per_s": 0.14,        // requests ended per second over it
 *   "ratelimit_min_remaining_requests": 4990, "ratelimit_min_remaining_tokens": 1990000 }  // lowest seen, or null
 * LATENCY = { "count": 7, "mean": 420, "max": 1650, "p50": 398, "p95": 1650, "p99": 1650 }  // ms; null without samples
 * }</pre>
 */
public final class StatusWindow implements ChatObserver {

    /** The type of {@link #json()}. */
    public static final String CONTENT_TYPE = "application/json; charset=utf-8";
    public static final int DEFAULT_BUCKET_SECONDS = 10;
    public static final int DEFAULT_BUCKETS = 90;
    /** Columns for rejection reasons and for upstream error types (the last is "other"). */
    static final int LABELS = 16;
    static final int MAX_UPSTREAMS = 8;

    // A bucket's counters, one AtomicLongArray per bucket.
    static final int ADMITTED = 0;
    static final int COMPLETED = 1;
    static final int NOT_FOUND = 2;
    static final int CANCELLED = 3;
    static final int FAILED = 4;
    static final int RETRIES = 5;
    static final int BREAKER_REFUSALS = 6;
    static final int TTFT_COUNT = 7;
    static final int TTFT_SUM = 8;
    static final int TTFT_MAX = 9;
    static final int ANSWER_COUNT = 10;
    static final int ANSWER_SUM = 11;
    static final int ANSWER_MAX = 12;
    static final int MIN_REQUESTS = 13;
    static final int MIN_TOKENS = 14;
    static final int REJECTED = 16;
    static final int ERRORS = REJECTED + LABELS;
    static final int TTFT = ERRORS + LABELS;
    static final int ANSWER = TTFT + LatencyBuckets.COUNT;
    static final int SIZE = ANSWER + LatencyBuckets.COUNT;

    private static final long EMPTY = Long.MIN_VALUE;
    private static final long RESETTING = Long.MIN_VALUE + 1;
    private static final long UNSET = -1;
    private static final Pattern UPSTREAM_NAME = Pattern.compile("[A-Za-z0-9._:/@+-]{1,100}");

    private final LongSupplier clock;
    private final long bucketMs;
    private final int buckets;
    private final long started;
    /** The bucket number ({@code clock / bucketMs}) each slot holds, or EMPTY / RESETTING. */
    private final AtomicLongArray stamps;
    private final AtomicLongArray[] slots;
    /** Since start: a bucket that never rolls over. */
    private final AtomicLongArray totals = new AtomicLongArray(SIZE);
    private final Labels reasons = new Labels(LABELS);
    private final Labels errorTypes = new Labels(LABELS);
    private final ConcurrentHashMap<String, Upstream> upstreams = new ConcurrentHashMap<>();
    private final Upstream otherUpstream;
    private final RunObserver run = new Run();
    private volatile StatusGauges gauges = StatusGauges.NONE;

    /** The last 15 minutes in 10-second buckets, on a monotonic clock started from the wall clock. */
    public StatusWindow() {
        this(monotonicClock(), DEFAULT_BUCKET_SECONDS, DEFAULT_BUCKETS);
    }

    /**
     * @param clock         milliseconds since the epoch; should not go backwards (events stamped
     *                      more than the window before the newest bucket are dropped)
     * @param bucketSeconds the width of a bucket
     * @param buckets       how many buckets the ring holds
     */
    public StatusWindow(LongSupplier clock, int bucketSeconds, int buckets) {
        if (bucketSeconds < 1 || buckets < 1) {
            throw new IllegalArgumentException("bucketSeconds and buckets must be positive");
        }
        this.clock = clock;
        this.bucketMs = bucketSeconds * 1000L;
        this.buckets = buckets;
        this.started = clock.getAsLong();
        this.stamps = new AtomicLongArray(buckets);
        this.slots = new AtomicLongArray[buckets];
        for (int i = 0; i < buckets; i++) {
            stamps.set(i, EMPTY);
            slots[i] = new AtomicLongArray(SIZE);
        }
        this.otherUpstream = new Upstream("other", started);
    }

    /** Wall-clock milliseconds at the first call, advanced by {@link System#nanoTime} (never jumps). */
    public static LongSupplier monotonicClock() {
        long wall = System.currentTimeMillis();
        long nanos = System.nanoTime();
        return () -> wall + (System.nanoTime() - nanos) / 1_000_000;
    }

    /** The live figures, read on each poll; until called, they are unknown. */
    public void gauges(StatusGauges gauges) {
        this.gauges = gauges == null ? StatusGauges.NONE : gauges;
    }

    /** Shows an upstream (breaker closed) before its first call. */
    public void knownUpstream(String name) {
        upstream(name);
    }

    // ---- events -------------------------------------------------------------------------------

    @Override
    public RunObserver admitted(RequestInfo request) {
        count(ADMITTED);
        return run;
    }

    @Override
    public void rejected(RequestInfo request, String code, String detail) {
        count(REJECTED + reasons.column(code));
    }

    @Override
    public void breakerChanged(String upstream, String state) {
        upstream(upstream).breaker(state, clock.getAsLong());
    }

    /** The same for every request: it keeps nothing of its own. */
    private final class Run implements RunObserver {
        @Override
        public ModelCallObserver modelCall(ModelCall call) {
            return upstream(call == null ? null : call.upstream());
        }

        @Override
        public void firstToken(long sinceStartMs) {
            AtomicLongArray s = slot(clock.getAsLong());
            latency(s, TTFT_COUNT, TTFT, sinceStartMs);
            latency(totals, TTFT_COUNT, TTFT, sinceStartMs);
        }

        @Override
        public void ended(RunEnd end) {
            int outcome = switch (end.outcome()) {
                case "completed" -> COMPLETED;
                case "not_found" -> NOT_FOUND;
                case "cancelled", "stopped" -> CANCELLED;
                default -> FAILED;
            };
            AtomicLongArray s = slot(clock.getAsLong());
            if (s != null) {
                s.incrementAndGet(outcome);
            }
            totals.incrementAndGet(outcome);
            if (outcome == COMPLETED || outcome == NOT_FOUND) {
                latency(s, ANSWER_COUNT, ANSWER, end.totalMs());
                latency(totals, ANSWER_COUNT, ANSWER, end.totalMs());
            }
        }
    }

    /** One upstream: its breaker and headroom, and the observer of every call to it. */
    private final class Upstream implements ModelCallObserver {
        final String name;
        volatile String breaker = "closed";
        volatile long breakerSince;
        final AtomicLong breakerChanges = new AtomicLong();
        volatile long remainingRequests = UNSET;
        volatile long remainingTokens = UNSET;
        volatile long rateLimitAt = UNSET;

        Upstream(String name, long since) {
            this.name = name;
            this.breakerSince = since;
        }

        void breaker(String state, long now) {
            breaker = switch (state == null ? "" : state) {
                case "open", "half_open", "closed" -> state;
                default -> "unknown";
            };
            breakerSince = now;
            breakerChanges.incrementAndGet();
        }

        @Override
        public void retrying(String errorType, int status, int attempt, long delayMs, String detail) {
            AtomicLongArray s = slot(clock.getAsLong());
            int column = ERRORS + errorTypes.column(errorType);
            if (s != null) {
                s.incrementAndGet(column);
                s.incrementAndGet(RETRIES);
            }
            totals.incrementAndGet(column);
            totals.incrementAndGet(RETRIES);
        }

        @Override
        public void rateLimit(Long requests, Long tokens) {
            long now = clock.getAsLong();
            AtomicLongArray s = slot(now);
            if (requests != null) {
                remainingRequests = requests;
                lower(s, MIN_REQUESTS, requests);
            }
            if (tokens != null) {
                remainingTokens = tokens;
                lower(s, MIN_TOKENS, tokens);
            }
            rateLimitAt = now;
        }

        @Override
        public void failed(String errorType, int status, int attempts, int outputTokens, String detail) {
            count("circuit_open".equals(errorType) ? BREAKER_REFUSALS : ERRORS + errorTypes.column(errorType));
        }
    }

    private Upstream upstream(String name) {
        String key = name == null ? "model" : name;
        Upstream u = upstreams.get(key);
        return u != null ? u : addUpstream(key);
    }

    private synchronized Upstream addUpstream(String name) {
        Upstream u = upstreams.get(name);
        if (u != null) {
            return u;
        }
        if (upstreams.size() >= MAX_UPSTREAMS || !UPSTREAM_NAME.matcher(name).matches()) {
            return otherUpstream;
        }
        u = new Upstream(name, clock.getAsLong());
        upstreams.put(name, u);
        return u;
    }

    // ---- the ring -----------------------------------------------------------------------------

    private void count(int field) {
        AtomicLongArray s = slot(clock.getAsLong());
        if (s != null) {
            s.incrementAndGet(field);
        }
        totals.incrementAndGet(field);
    }

    /** Adds a latency sample: count, sum, max at {@code countField..countField+2}, and to the histogram at {@code hist}. */
    private static void latency(AtomicLongArray a, int countField, int hist, long ms) {
        if (a == null) {
            return;
        }
        long v = Math.max(0, ms);
        a.incrementAndGet(countField);
        a.addAndGet(countField + 1, v);
        raise(a, countField + 2, v);
        a.incrementAndGet(hist + LatencyBuckets.index(v));
    }

    private static void raise(AtomicLongArray a, int field, long v) {
        long cur;
        while ((cur = a.get(field)) < v && !a.compareAndSet(field, cur, v)) {
            Thread.onSpinWait();
        }
    }

    /** Lowers a field that holds {@link #UNSET} until set. */
    private static void lower(AtomicLongArray a, int field, long v) {
        if (a == null) {
            return;
        }
        long cur;
        while (((cur = a.get(field)) == UNSET || v < cur) && !a.compareAndSet(field, cur, v)) {
            Thread.onSpinWait();
        }
    }

    /**
     * The slot of the bucket {@code now} falls in, cleared and stamped first if it still holds an
     * older bucket; {@code null} if it already holds a newer one (the event is more than the whole
     * window late: counted in the totals only).
     */
    private AtomicLongArray slot(long now) {
        long bucket = Math.floorDiv(now, bucketMs);
        int i = (int) Math.floorMod(bucket, (long) buckets);
        int spins = 0;
        while (true) {
            long stamp = stamps.get(i);
            if (stamp == bucket) {
                return slots[i];
            }
            if (stamp == RESETTING) {
                if (++spins % 64 == 0) {
                    Thread.yield(); // the clearing thread was descheduled
                } else {
                    Thread.onSpinWait();
                }
                continue;
            }
            if (stamp > bucket) {
                return null;
            }
            if (stamps.compareAndSet(i, stamp, RESETTING)) {
                AtomicLongArray s = slots[i];
                for (int k = 0; k < SIZE; k++) {
                    s.setPlain(k, 0);
                }
                s.setPlain(MIN_REQUESTS, UNSET);
                s.setPlain(MIN_TOKENS, UNSET);
                stamps.set(i, bucket); // a volatile write: publishes the cleared slot
                return s;
            }
        }
    }

    // ---- reading ------------------------------------------------------------------------------

    /** The window as JSON (the shape is in the class comment). Thread-safe; meant for a worker thread. */
    public String json() {
        return snapshot().encode();
    }

    JsonObject snapshot() {
        long now = clock.getAsLong();
        long current = Math.floorDiv(now, bucketMs);
        long[][] ring = new long[buckets][]; // oldest first; null: nothing in that bucket
        for (int age = 0; age < buckets; age++) {
            long bucket = current - age;
            int i = (int) Math.floorMod(bucket, (long) buckets);
            if (stamps.get(i) != bucket) {
                continue;
            }
            long[] copy = new long[SIZE];
            for (int k = 0; k < SIZE; k++) {
                copy[k] = slots[i].get(k);
            }
            if (stamps.get(i) == bucket) {
                ring[buckets - 1 - age] = copy;
            }
        }
        long inBucket = now - current * bucketMs;
        JsonObject windows = new JsonObject();
        for (int minutes : new int[] {1, 5, 15}) {
            int n = (int) Math.min(buckets, (minutes * 60_000L + bucketMs - 1) / bucketMs);
            long spanMs = Math.max(0, Math.min((n - 1) * bucketMs + inBucket, now - started));
            windows.put(minutes + "m", window(ring, n, spanMs));
        }
        long[] total = new long[SIZE];
        for (int k = 0; k < SIZE; k++) {
            total[k] = totals.get(k);
        }
        return new JsonObject()
                .put("now", now)
                .put("started", started)
                .put("bucket_s", bucketMs / 1000)
                .put("buckets", buckets)
                .put("gauges", gauges())
                .put("totals", counts(total))
                .put("windows", windows)
                .put("upstreams", upstreamsJson())
                .put("series", series(ring, current));
    }

    private JsonObject window(long[][] ring, int n, long spanMs) {
        long[] sum = new long[SIZE];
        sum[MIN_REQUESTS] = UNSET;
        sum[MIN_TOKENS] = UNSET;
        for (int b = buckets - n; b < buckets; b++) {
            long[] s = ring[b];
            if (s == null) {
                continue;
            }
            for (int k = 0; k < SIZE; k++) {
                switch (k) {
                    case TTFT_MAX, ANSWER_MAX -> sum[k] = Math.max(sum[k], s[k]);
                    case MIN_REQUESTS, MIN_TOKENS -> sum[k] = s[k] == UNSET ? sum[k]
                            : sum[k] == UNSET ? s[k] : Math.min(sum[k], s[k]);
                    default -> sum[k] += s[k];
                }
            }
        }
        JsonObject w = counts(sum);
        double seconds = spanMs / 1000.0;
        long ended = sum[COMPLETED] + sum[NOT_FOUND] + sum[CANCELLED] + sum[FAILED];
        return w.put("seconds", Math.round(seconds * 10) / 10.0)
                .put("requests_per_s", Math.round(ended / Math.max(1.0, seconds) * 100) / 100.0)
                .put("ratelimit_min_remaining_requests", orNull(sum[MIN_REQUESTS]))
                .put("ratelimit_min_remaining_tokens", orNull(sum[MIN_TOKENS]));
    }

    private JsonObject counts(long[] c) {
        return new JsonObject()
                .put("admitted", c[ADMITTED])
                .put("ended", new JsonObject().put("completed", c[COMPLETED]).put("not_found", c[NOT_FOUND])
                        .put("cancelled", c[CANCELLED]).put("failed", c[FAILED]))
                .put("rejected", labelled(reasons, c, REJECTED))
                .put("upstream_errors", labelled(errorTypes, c, ERRORS))
                .put("retries", c[RETRIES])
                .put("breaker_refusals", c[BREAKER_REFUSALS])
                .put("ttft_ms", latency(c, TTFT_COUNT, TTFT))
                .put("answer_ms", latency(c, ANSWER_COUNT, ANSWER));
    }

    private static JsonObject labelled(Labels labels, long[] c, int from) {
        JsonObject o = new JsonObject();
        for (int i = 0; i < labels.capacity(); i++) {
            String name = labels.name(i);
            if (name != null && c[from + i] > 0) {
                o.put(name, c[from + i]);
            }
        }
        return o;
    }

    private static JsonObject latency(long[] c, int countField, int hist) {
        long count = c[countField];
        JsonObject o = new JsonObject().put("count", count)
                .put("mean", count == 0 ? null : Math.round((double) c[countField + 1] / count))
                .put("max", count == 0 ? null : c[countField + 2]);
        long[] h = java.util.Arrays.copyOfRange(c, hist, hist + LatencyBuckets.COUNT);
        long n = sum(h);
        long max = c[countField + 2];
        for (int p : new int[] {50, 95, 99}) {
            o.put("p" + p, orNull(LatencyBuckets.percentile(h, n, p, max)));
        }
        return o;
    }

    private JsonObject series(long[][] ring, long current) {
        JsonArray ended = new JsonArray();
        JsonArray failed = new JsonArray();
        JsonArray rejected = new JsonArray();
        JsonArray errors = new JsonArray();
        JsonArray ttft50 = new JsonArray();
        JsonArray ttft95 = new JsonArray();
        JsonArray answer50 = new JsonArray();
        JsonArray answer95 = new JsonArray();
        long[] h = new long[LatencyBuckets.COUNT];
        for (long[] s : ring) {
            if (s == null) {
                for (JsonArray a : new JsonArray[] {ended, failed, rejected, errors}) {
                    a.add(0);
                }
                for (JsonArray a : new JsonArray[] {ttft50, ttft95, answer50, answer95}) {
                    a.addNull();
                }
                continue;
            }
            ended.add(s[COMPLETED] + s[NOT_FOUND] + s[CANCELLED] + s[FAILED]);
            failed.add(s[FAILED]);
            rejected.add(range(s, REJECTED, LABELS));
            errors.add(range(s, ERRORS, LABELS));
            System.arraycopy(s, TTFT, h, 0, h.length);
            long n = sum(h);
            ttft50.add(orNull(LatencyBuckets.percentile(h, n, 50, s[TTFT_MAX])));
            ttft95.add(orNull(LatencyBuckets.percentile(h, n, 95, s[TTFT_MAX])));
            System.arraycopy(s, ANSWER, h, 0, h.length);
            n = sum(h);
            answer50.add(orNull(LatencyBuckets.percentile(h, n, 50, s[ANSWER_MAX])));
            answer95.add(orNull(LatencyBuckets.percentile(h, n, 95, s[ANSWER_MAX])));
        }
        return new JsonObject().put("start", (current - buckets + 1) * bucketMs).put("step_s", bucketMs / 1000)
                .put("ended", ended).put("failed", failed).put("rejected", rejected).put("upstream_errors", errors)
                .put("ttft_p50", ttft50).put("ttft_p95", ttft95).put("answer_p50", answer50).put("answer_p95", answer95);
    }

    private JsonArray upstreamsJson() {
        JsonArray list = new JsonArray();
        java.util.List<Upstream> all = new java.util.ArrayList<>(upstreams.values());
        all.sort(java.util.Comparator.comparing(u -> u.name));
        if (otherUpstream.rateLimitAt != UNSET || otherUpstream.breakerChanges.get() > 0) {
            all.add(otherUpstream); // more upstreams than MAX_UPSTREAMS, or oddly named ones
        }
        all.forEach(u -> list.add(
                new JsonObject().put("name", u.name).put("breaker", u.breaker).put("breaker_since", u.breakerSince)
                        .put("breaker_changes", u.breakerChanges.get())
                        .put("ratelimit_remaining_requests", orNull(u.remainingRequests))
                        .put("ratelimit_remaining_tokens", orNull(u.remainingTokens))
                        .put("ratelimit_at", orNull(u.rateLimitAt))));
        return list;
    }

    private JsonObject gauges() {
        StatusGauges g = gauges;
        return new JsonObject()
                .put("active_generations", read(g.activeGenerations()))
                .put("max_generations", read(g.maxGenerations()))
                .put("chatlog_queue_depth", read(g.chatLogQueued()))
                .put("chatlog_queue_capacity", read(g.chatLogCapacity()))
                .put("open_connections", read(g.openConnections()))
                .put("open_websockets", read(g.openWebSockets()))
                .put("refused_connections", read(g.refusedConnections()));
    }

    private static Integer read(IntSupplier s) {
        try {
            return s == null ? null : s.getAsInt();
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static Long read(LongSupplier s) {
        try {
            return s == null ? null : s.getAsLong();
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static Long orNull(long v) {
        return v < 0 ? null : v;
    }

    private static long sum(long[] a) {
        long n = 0;
        for (long v : a) {
            n += v;
        }
        return n;
    }

    private static long range(long[] a, int from, int length) {
        long n = 0;
        for (int i = from; i < from + length; i++) {
            n += a[i];
        }
        return n;
    }
}
