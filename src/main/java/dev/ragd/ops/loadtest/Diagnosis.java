package dev.ragd.ops.loadtest;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * Which resource saturated first, and which knob to turn, from the steps' numbers. Each rule is
 * checked on every step in user order; a rule's finding is placed by the first step that showed
 * it, so the list starts with what saturated first.
 *
 * <ul>
 *   <li>replica CPU: the replicas together at or above {@value #CPU_HOT} of the cores they run on → scale out replicas</li>
 *   <li>model rate limit: any 429 from the model, any question failed {@code rate_limited}, or the
 *       remaining tokens (or requests) at or under {@value #HEADROOM_LOW} of the most seen in the
 *       run → raise the model's TPM quota or add a deployment</li>
 *   <li>admission cap: any {@code busy} refusal, or active generations at the cap → raise
 *       {@code RAGD_MAX_CONCURRENT_GENERATIONS} when the CPU is under {@value #CPU_ROOM}, else scale out</li>
 *   <li>chat-log store: the queue held records (depth over 0) → a faster store or a bigger pool</li>
 *   <li>search service: any search the search service refused for now (429/503, retried) or any
 *       question failed {@code search_unavailable} → raise the search service's tier or its replicas</li>
 *   <li>retrieval: p95 more than {@value #RETRIEVAL_GROWTH} times the first step's, and at least
 *       {@value #RETRIEVAL_MIN_MS} ms → raise the search tier or add search replicas</li>
 *   <li>query rewriting: a step that missed the p95 time-to-first-token target, with the rewrite's p95
 *       at least {@value #REWRITE_SHARE} of it (the rewrite is a whole non-streamed model answer
 *       before the search) → turn rewriting off or give it a faster model</li>
 *   <li>model upstream errors: 5xx, timeouts, stalls or cuts from the model on at least
 *       {@value #UPSTREAM_ERRORS} of questions → the model deployment's health</li>
 * </ul>
 * When the target was missed and no rule showed at or before the miss, the finding is the load
 * generator or the model itself, told apart with the direct-upstream steps when there are some.
 */
public final class Diagnosis {

    static final double CPU_HOT = 0.85;
    static final double CPU_ROOM = 0.70;
    static final double HEADROOM_LOW = 0.05;
    static final double RETRIEVAL_GROWTH = 3;
    static final double RETRIEVAL_MIN_MS = 10;
    static final double UPSTREAM_ERRORS = 0.001;
    static final double REWRITE_SHARE = 0.4;

    private Diagnosis() {}

    /**
     * @param steps    ragd's steps
     * @param cores    cores of one replica (for the CPU share)
     * @param replicas replicas behind the target
     * @param target   the target of the knee
     * @param direct   the same ramp against the model directly (may be empty)
     */
    public static List<Finding> of(List<StepResult> steps, int cores, int replicas, Target target,
            List<StepResult> direct) {
        List<StepResult> byUsers = steps.stream().sorted(Comparator.comparingInt(StepResult::users)).toList();
        Knee knee = Knee.find(byUsers, target);
        List<Finding> out = new ArrayList<>();
        long maxTokens = byUsers.stream().mapToLong(s -> s.metrics().rateLimitRemainingTokensMin()).max().orElse(-1);
        long maxRequests = byUsers.stream().mapToLong(s -> s.metrics().rateLimitRemainingRequestsMin()).max().orElse(-1);
        double retrievalBase = byUsers.stream().mapToDouble(s -> s.metrics().retrievalP95Ms()).filter(v -> v > 0)
                .findFirst().orElse(-1);
        rule(byUsers, out, s -> cpu(s, cores, replicas));
        rule(byUsers, out, s -> rateLimit(s, maxTokens, maxRequests));
        rule(byUsers, out, s -> admission(s, cores));
        rule(byUsers, out, Diagnosis::chatLog);
        rule(byUsers, out, Diagnosis::searchService);
        rule(byUsers, out, s -> retrieval(s, retrievalBase));
        rule(byUsers, out, s -> rewrite(s, target));
        rule(byUsers, out, Diagnosis::upstreamErrors);
        out.sort(Comparator.comparingInt(Finding::atUsers)); // stable: rule order breaks ties
        Optional<StepResult> miss = knee.firstMiss();
        boolean explained = miss.isPresent() && out.stream().anyMatch(f -> f.atUsers() <= miss.get().users());
        if (miss.isPresent() && !explained) {
            out.add(0, miss.get() == byUsers.get(0) ? cold(miss.get(), target) : unexplained(miss.get(), direct, target));
        } else if (out.isEmpty()) {
            out.add(new Finding("nothing saturated", "no rule showed at any step up to "
                    + byUsers.stream().mapToInt(StepResult::users).max().orElse(0) + " users",
                    "ramp further (more users) to find the knee", 0));
        }
        return out;
    }

    private static void rule(List<StepResult> steps, List<Finding> out, Function<StepResult, Finding> rule) {
        for (StepResult s : steps) {
            Finding f = rule.apply(s);
            if (f != null) {
                out.add(f);
                return;
            }
        }
    }

    private static Finding cpu(StepResult s, int cores, int replicas) {
        double share = s.cpuShare(cores);
        if (share < CPU_HOT) {
            return null;
        }
        int more = Math.max(replicas + 1, (int) Math.ceil(replicas * share / CPU_ROOM));
        return new Finding("replica CPU", f("at %d users the replicas used %s of the %d cores (%.0f%%, at or "
                + "above %.0f%%)", s.users(), cores(s, cores, share), cores, share * 100, CPU_HOT * 100),
                f("scale out replicas: %d → %d (to about %.0f%% CPU each)", replicas, more,
                        share * replicas / more * 100), s.users());
    }

    private static Finding rateLimit(StepResult s, long maxTokens, long maxRequests) {
        StepMetrics m = s.metrics();
        long failed = Math.max(m.requestsFailedWith("rate_limited"), s.errorsByKind().getOrDefault("rate_limited", 0L));
        boolean tokensLow = maxTokens > 0 && m.rateLimitRemainingTokensMin() >= 0
                && m.rateLimitRemainingTokensMin() <= HEADROOM_LOW * maxTokens;
        boolean requestsLow = maxRequests > 0 && m.rateLimitRemainingRequestsMin() >= 0
                && m.rateLimitRemainingRequestsMin() <= HEADROOM_LOW * maxRequests;
        if (m.upstream429() <= 0 && failed <= 0 && !tokensLow && !requestsLow) {
            return null;
        }
        return new Finding("model rate limit (TPM headroom)", f("at %d users the model answered %d × 429 (%d retries), "
                + "%d questions failed rate_limited, remaining tokens fell to %s (most seen %s), remaining requests to %s",
                s.users(), Math.max(0, m.upstream429()), Math.max(0, m.upstreamRetries()), failed,
                known(m.rateLimitRemainingTokensMin()), known(maxTokens), known(m.rateLimitRemainingRequestsMin()))
                + (m.upstream429() <= 0 && failed <= 0 ? "; no 429 yet: the quota the model reports is spent, and a"
                        + " deployment that enforces it refuses from here" : ""),
                "raise the model quota (tokens per minute) or add a deployment; more replicas will not help", s.users());
    }

    private static Finding admission(StepResult s, int cores) {
        StepMetrics m = s.metrics();
        long busy = Math.max(m.rejections("busy"), s.errorsByKind().getOrDefault("busy", 0L));
        boolean atCap = m.maxConcurrentGenerations() > 0 && m.activeGenerationsMax() >= m.maxConcurrentGenerations();
        if (busy <= 0 && !atCap) {
            return null;
        }
        double cpu = s.cpuShare(cores);
        String evidence = f("at %d users %d questions were refused busy; active generations reached %s of the cap %s; "
                + "CPU %s", s.users(), busy, known(m.activeGenerationsMax()), known(m.maxConcurrentGenerations()),
                cpu < 0 ? "not measured" : f("%.0f%% of %d cores", cpu * 100, cores));
        String knob;
        if (cpu >= CPU_ROOM) {
            knob = f("scale out replicas: the CPU (%.0f%%) leaves no room to raise RAGD_MAX_CONCURRENT_GENERATIONS", cpu * 100);
        } else if (cpu >= 0 && m.maxConcurrentGenerations() > 0) {
            long cap = m.maxConcurrentGenerations();
            long next = Math.max(cap + 1, (long) Math.floor(cap * CPU_ROOM / Math.max(cpu, 0.01)));
            knob = f("raise RAGD_MAX_CONCURRENT_GENERATIONS from %d to about %d: the CPU (%.0f%%) allows it", cap, next, cpu * 100);
        } else {
            knob = "raise RAGD_MAX_CONCURRENT_GENERATIONS if the CPU allows (it was not measured), else scale out replicas";
        }
        return new Finding("admission cap", evidence, knob, s.users());
    }

    private static Finding rewrite(StepResult s, Target target) {
        double rewrite = s.metrics().rewriteP95Ms();
        if (rewrite <= 0 || s.ttftP95Ms() < target.p95TtftMs() || rewrite < REWRITE_SHARE * s.ttftP95Ms()) {
            return null;
        }
        return new Finding("query rewriting", f("at %d users the query rewrite took %.0f ms at p95, %.0f%% of the p95 time"
                + " to first token (%.0f ms): each follow-up waits for a whole model answer before its search",
                s.users(), rewrite, rewrite / s.ttftP95Ms() * 100, s.ttftP95Ms()),
                "RAGD_QUERY_REWRITE=false (follow-ups are searched as asked), or a faster model deployment for rewrites",
                s.users());
    }

    private static Finding chatLog(StepResult s) {
        long depth = s.metrics().chatlogQueueDepthMax();
        if (depth <= 0) {
            return null;
        }
        return new Finding("chat-log store", f("at %d users the chat-log queue held up to %d records (the store "
                + "did not keep up or was down)", s.users(), depth),
                "a faster chat-log store or a bigger pool (RAGD_PG_POOL_SIZE, a higher Cosmos DB throughput)", s.users());
    }

    private static Finding searchService(StepResult s) {
        long throttled = Math.max(0, s.metrics().searchThrottled());
        long failed = Math.max(s.metrics().requestsFailedWith("search_unavailable"),
                s.errorsByKind().getOrDefault("search_unavailable", 0L));
        if (throttled == 0 && failed == 0) {
            return null;
        }
        return new Finding("search service throttling", f("at %d users the search service refused %d searches for now"
                + " (429/503, retried after its Retry-After) and %d questions failed search_unavailable",
                s.users(), throttled, failed), "raise the search service's tier, or add replicas to it (Azure AI Search:"
                + " replicas × partitions = search units; replicas carry queries)", s.users());
    }

    private static Finding retrieval(StepResult s, double base) {
        double p95 = s.metrics().retrievalP95Ms();
        if (base <= 0 || p95 < RETRIEVAL_MIN_MS || p95 <= RETRIEVAL_GROWTH * base) {
            return null;
        }
        return new Finding("retrieval", f("at %d users retrieval p95 was %.0f ms, %.1f times the first step's %.1f ms",
                s.users(), p95, p95 / base, base), "raise the search tier or add search replicas", s.users());
    }

    private static Finding upstreamErrors(StepResult s) {
        StepMetrics m = s.metrics();
        long n = 0;
        for (String type : List.of("unavailable", "timeout", "stalled", "cut")) {
            n += m.upstreamErrorsByType().getOrDefault(type, 0L);
        }
        if (s.requests() == 0 || n < UPSTREAM_ERRORS * s.requests() || n == 0) {
            return null;
        }
        return new Finding("model upstream errors", f("at %d users the model failed %d times (%s) for %d questions",
                s.users(), n, m.upstreamErrorsByType(), s.requests()),
                "the model deployment fails on its own: check its health and region; ragd retries before the first "
                        + "token (RAGD_LLM_MAX_RETRIES), never after", s.users());
    }

    /** A run's first step missed with nothing saturated: the replicas met the load cold. */
    private static Finding cold(StepResult miss, Target target) {
        return new Finding("cold replicas", f("at %d users, the run's first step, ragd missed the target (%s) with no"
                + " saturated resource in its metrics: the replicas' JIT compiles on the cores that carry the load",
                miss.users(), target.missedBy(miss)),
                "start the ramp with a small step (--users 10,...), or raise RAGD_WARMUP_MS", miss.users());
    }

    private static Finding unexplained(StepResult miss, List<StepResult> direct, Target target) {
        Optional<StepResult> model = direct.stream().filter(d -> d.users() <= miss.users())
                .max(Comparator.comparingInt(StepResult::users));
        String at = f("at %d users ragd missed the target (%s) with no saturated resource in its metrics",
                miss.users(), target.missedBy(miss));
        if (model.isEmpty()) {
            return new Finding("the load generator or the model itself", at + "; no direct-upstream steps to compare",
                    "run the same ramp against the model directly; check the load generator's CPU (more Locust workers)",
                    miss.users());
        }
        StepResult d = model.get();
        if (d.ttftP95Ms() >= 0.8 * miss.ttftP95Ms()) {
            return new Finding("the model itself", f("%s; the model alone at %d users had p95 time to first token %.0f ms "
                    + "against ragd's %.0f ms", at, d.users(), d.ttftP95Ms(), miss.ttftP95Ms()),
                    "a faster model or deployment (provisioned throughput), or shorter prompts", miss.users());
        }
        return new Finding("the load generator", f("%s; the model alone at %d users had p95 time to first token %.0f ms, "
                + "ragd adds %.0f ms", at, d.users(), d.ttftP95Ms(), miss.ttftP95Ms() - d.ttftP95Ms()),
                "check the load generator's CPU and network (more Locust workers, another machine)", miss.users());
    }

    private static String cores(StepResult s, int cores, double share) {
        return s.cpuCores() >= 0 ? f("%.2f", s.cpuCores()) : f("%.2f", share * cores);
    }

    private static String known(long v) {
        return v < 0 ? "unknown" : Long.toString(v);
    }

    private static String f(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}
