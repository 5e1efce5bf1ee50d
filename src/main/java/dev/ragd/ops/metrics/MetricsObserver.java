package dev.ragd.ops.metrics;

import dev.ragd.observe.ChatObserver;
import dev.ragd.observe.ModelCall;
import dev.ragd.observe.ModelCallObserver;
import dev.ragd.observe.RecordWritten;
import dev.ragd.observe.RequestInfo;
import dev.ragd.observe.Retrieval;
import dev.ragd.observe.RunEnd;
import dev.ragd.observe.RunObserver;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * Turns what happens to requests into meters: {@code ragd_*} for the user-facing path, the chat
 * log and the upstream's headroom, and the GenAI semantic conventions' {@code gen_ai.client.*} for
 * model calls. Every series is listed in {@code docs/metrics.md}. Meters are made once per tag
 * combination and cached, so an event costs a map lookup and an atomic add.
 */
public final class MetricsObserver implements ChatObserver {

    private final MeterRegistry registry;
    private final Map<String, Object> meters = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> activeStreams = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> breakerStates = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> remaining = new ConcurrentHashMap<>();

    public MetricsObserver(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Registers an upstream's breaker gauge at 0 (closed) before its first change. */
    public void knownUpstream(String upstream) {
        breaker(upstream);
    }

    @Override
    public RunObserver admitted(RequestInfo request) {
        active(request.protocol()).incrementAndGet();
        return new Run(request.protocol());
    }

    @Override
    public void rejected(RequestInfo request, String code, String detail) {
        counter("ragd.chat.rejections", "Requests refused before they started", "protocol", request.protocol(),
                "reason", code).increment();
    }

    @Override
    public void breakerChanged(String upstream, String state) {
        breaker(upstream).set(switch (state) {
            case "open" -> 2;
            case "half_open" -> 1;
            default -> 0;
        });
        counter("ragd.upstream.circuit.transitions", "Circuit-breaker state changes", "upstream", upstream, "state", state)
                .increment();
    }

    @Override
    public void searchThrottled(String service, int status, long delayMs) {
        counter("ragd.search.throttled", "Searches a search service refused for now (429/503) and ragd retried",
                "service", service, "status", Integer.toString(status)).increment();
    }

    @Override
    public void searchUnavailable(String service, int status) {
        counter("ragd.search.unavailable", "Searches that failed: the service refused for the whole budget",
                "service", service).increment();
    }

    private AtomicInteger active(String protocol) {
        return activeStreams.computeIfAbsent(protocol, p -> registry.gauge("ragd.chat.active.streams",
                io.micrometer.core.instrument.Tags.of("protocol", p), new AtomicInteger()));
    }

    private AtomicInteger breaker(String upstream) {
        return breakerStates.computeIfAbsent(upstream, u -> registry.gauge("ragd.upstream.circuit.state",
                io.micrometer.core.instrument.Tags.of("upstream", u), new AtomicInteger()));
    }

    private AtomicLong remaining(String name, String upstream) {
        return remaining.computeIfAbsent(name + "|" + upstream, k -> registry.gauge(name,
                io.micrometer.core.instrument.Tags.of("upstream", upstream), new AtomicLong(-1)));
    }

    @Override
    public void feedbackKept(String protocol, String rating) {
        counter("ragd.feedback", "Ratings of answers kept, by rating (a re-rating counts again)", "protocol", protocol,
                "rating", rating).increment();
    }

    @Override
    public void resumed(String protocol, String outcome) {
        counter("ragd.chat.resumes", "Resumes of answers after a dropped connection, by where the frames came from",
                "protocol", protocol, "outcome", outcome).increment();
    }

    private Counter counter(String name, String help, String... tags) {
        return cached(name, tags, () -> Counter.builder(name).description(help).tags(tags).register(registry));
    }

    private Timer timer(String name, String help, Duration[] buckets, String... tags) {
        return cached(name, tags, () -> Timer.builder(name).description(help).tags(tags)
                .serviceLevelObjectives(buckets).register(registry));
    }

    private DistributionSummary tokens(String... tags) {
        return cached("gen_ai.client.token.usage", tags, () -> DistributionSummary.builder("gen_ai.client.token.usage")
                .description("Tokens used per model call").tags(tags)
                .serviceLevelObjectives(Buckets.TOKENS).register(registry));
    }

    @SuppressWarnings("unchecked")
    private <T> T cached(String name, String[] tags, java.util.function.Supplier<T> make) {
        String key = name + "|" + String.join("|", tags);
        Object m = meters.get(key);
        if (m == null) {
            m = meters.computeIfAbsent(key, (Function<String, Object>) k -> make.get());
        }
        return (T) m;
    }

    private final class Run implements RunObserver {
        private final String protocol;
        private long rewriteMs;

        Run(String protocol) {
            this.protocol = protocol;
        }

        @Override
        public void rewritten(long ms, int queries) {
            rewriteMs = ms;
            timer("ragd.chat.rewrite.duration", "Query rewriting", Buckets.STEP, "outcome", "ok")
                    .record(ms, TimeUnit.MILLISECONDS);
        }

        @Override
        public void rewriteFailed(long ms, Throwable cause) {
            rewriteMs = ms;
            timer("ragd.chat.rewrite.duration", "Query rewriting", Buckets.STEP, "outcome", "failed")
                    .record(ms, TimeUnit.MILLISECONDS);
        }

        @Override
        public void retrieved(Retrieval r) {
            timer("ragd.chat.retrieval.duration", "Searching the index (after rewriting)", Buckets.STEP)
                    .record(Math.max(0, r.durationMs() - rewriteMs), TimeUnit.MILLISECONDS);
            if (r.embedder() != null) {
                timer("ragd.chat.embedding.duration", "Embedding the search query (the longest of a request's queries)",
                        Buckets.STEP, "embedder", r.embedder()).record(Math.round(r.embeddingMs() * 1e6), TimeUnit.NANOSECONDS);
            }
        }

        @Override
        public ModelCallObserver modelCall(ModelCall call) {
            return new Call(call);
        }

        @Override
        public void firstToken(long ms) {
            timer("ragd.chat.time_to_first_token", "Time to first token as the user sees it", Buckets.FIRST_TOKEN,
                    "protocol", protocol).record(ms, TimeUnit.MILLISECONDS);
        }

        @Override
        public void recordWritten(RecordWritten w) {
            String outcome = w.kept() == null ? "failed" : w.kept();
            timer("ragd.chatlog.write.duration", "Writing the chat-log record", Buckets.STEP, "outcome", outcome)
                    .record(w.durationMs(), TimeUnit.MILLISECONDS);
            counter("ragd.chatlog.records", "Chat-log records by how they were kept", "outcome", outcome).increment();
        }

        @Override
        public void ended(RunEnd end) {
            active(protocol).decrementAndGet();
            counter("ragd.chat.requests", "Requests by how they ended", "protocol", protocol, "outcome", end.outcome(),
                    "error_code", end.errorCode() == null ? "none" : end.errorCode()).increment();
            timer("ragd.chat.answer.duration", "Whole answer time", Buckets.ANSWER, "protocol", protocol,
                    "outcome", end.outcome()).record(end.totalMs(), TimeUnit.MILLISECONDS);
        }
    }

    /** One model call: GenAI client metrics, upstream errors, retries and rate-limit headroom. */
    private final class Call implements ModelCallObserver {
        private final ModelCall call;
        private final long start = System.nanoTime();
        private boolean over;

        Call(ModelCall call) {
            this.call = call;
        }

        private String[] genAi(String... more) {
            String[] base = {"gen_ai.operation.name", call.operation(), "gen_ai.provider.name", call.provider(),
                    "gen_ai.request.model", call.model()};
            String[] all = java.util.Arrays.copyOf(base, base.length + more.length);
            System.arraycopy(more, 0, all, base.length, more.length);
            return all;
        }

        @Override
        public void retrying(String errorType, int status, int attempt, long delayMs, String detail) {
            upstreamError(errorType);
            counter("ragd.upstream.retries", "Model calls retried", "upstream", call.upstream()).increment();
        }

        @Override
        public void rateLimit(Long requests, Long tokens) {
            if (requests != null) {
                remaining("ragd.upstream.ratelimit.remaining.requests", call.upstream()).set(requests);
            }
            if (tokens != null) {
                remaining("ragd.upstream.ratelimit.remaining.tokens", call.upstream()).set(tokens);
            }
        }

        @Override
        public void firstChunk() {
            timer("gen_ai.client.operation.time_to_first_chunk", "Time to the model's first chunk", Buckets.GEN_AI,
                    genAi()).record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        }

        @Override
        public void succeeded(int in, int out, String finishReason) {
            done("none");
            if (in > 0) {
                tokens(genAi("gen_ai.token.type", "input")).record(in);
            }
            tokens(genAi("gen_ai.token.type", "output")).record(out);
        }

        @Override
        public void failed(String errorType, int status, int attempts, int out, String detail) {
            if (!"circuit_open".equals(errorType)) {
                upstreamError(errorType);
            }
            done(errorType);
        }

        @Override
        public void cancelled() {
            done("cancelled");
        }

        private void done(String errorType) {
            if (over) {
                return;
            }
            over = true;
            timer("gen_ai.client.operation.duration", "Model call duration", Buckets.GEN_AI,
                    genAi("error.type", errorType)).record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        }

        private void upstreamError(String type) {
            counter("ragd.upstream.errors", "Failed model call attempts by kind", "upstream", call.upstream(),
                    "type", type).increment();
        }
    }
}
