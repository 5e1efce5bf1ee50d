package dev.ragd.llm.openai;

import dev.ragd.config.Env;
import dev.ragd.config.LlmConfig;
import dev.ragd.llm.GenerationRequest;
import dev.ragd.observe.RequestInfo;
import dev.ragd.ops.StepLogObserver;
import dev.ragd.llm.Message;
import dev.ragd.llm.TokenStream;
import dev.ragd.llm.UpstreamException;
import dev.ragd.llm.Usage;
import dev.ragd.retrieval.Passage;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/** Runs generations against a {@link FakeUpstream} on a client-side Vert.x and records what handlers saw. */
final class GeneratorHarness implements AutoCloseable {

    static final String OPENAI_KEY = "sk-test-DO-NOT-LOG-4f9a2b7c";

    static final GenerationRequest REQUEST = new GenerationRequest("How long is the warranty?",
            List.of(Message.user("Hello"), Message.assistant("Hi, ask me about the manual.")),
            List.of(new Passage("manual", "manual#4", "Warranty", "The warranty lasts two years.", null, 1.0)),
            // observed as in the server: the step log reports retries and failures with the request's ids
            new StepLogObserver(false).admitted(new RequestInfo("internal", "log-1", "request-1",
                    "How long is the warranty?", null, 2, null, null)));

    /** What the handlers of one stream saw. */
    static final class Run {
        final List<String> tokens = new CopyOnWriteArrayList<>();
        final Set<Thread> handlerThreads = ConcurrentHashMap.newKeySet();
        final CompletableFuture<Usage> end = new CompletableFuture<>();
        final CompletableFuture<Thread> contextThread = new CompletableFuture<>();
        volatile TokenStream stream;
        volatile int terminalCalls;
        final long startedNanos = System.nanoTime();
        volatile long firstTokenNanos;

        String text() {
            return String.join("", tokens);
        }

        Usage usage() throws Exception {
            return end.get(40, TimeUnit.SECONDS);
        }

        /** The failure, which must be an UpstreamException. */
        UpstreamException error() throws Exception {
            try {
                Usage u = end.get(40, TimeUnit.SECONDS);
                throw new AssertionError("expected a failure, stream ended normally with " + u + " text=" + text());
            } catch (java.util.concurrent.ExecutionException e) {
                if (e.getCause() instanceof UpstreamException u) {
                    return u;
                }
                throw new AssertionError("not an UpstreamException: " + e.getCause(), e.getCause());
            }
        }
    }

    final Vertx vertx = Vertx.vertx();
    final FakeUpstream upstream;

    GeneratorHarness(FakeUpstream upstream) {
        this.upstream = upstream;
    }

    Map<String, String> openAiEnv() {
        Map<String, String> env = new HashMap<>();
        env.put("RAGD_LLM", "openai");
        env.put("RAGD_LLM_MODEL", "gpt-test");
        env.put("OPENAI_BASE_URL", upstream.baseUrl() + "/v1");
        env.put("OPENAI_API_KEY", OPENAI_KEY);
        // generous: the test machine is small and shared; tests of timeouts set their own
        env.put("RAGD_LLM_CONNECT_TIMEOUT_MS", "10000");
        env.put("RAGD_LLM_FIRST_TOKEN_TIMEOUT_MS", "20000");
        env.put("RAGD_LLM_STALL_TIMEOUT_MS", "20000");
        env.put("RAGD_LLM_RETRY_BUDGET_MS", "5000");
        env.put("RAGD_LLM_MAX_RETRIES", "3");
        env.put("RAGD_BREAKER_FAILURES", "5");
        env.put("RAGD_BREAKER_RESET_MS", "10000");
        return env;
    }

    OpenAiStreamingGenerator generator(Map<String, String> env) {
        return new OpenAiStreamingGenerator(vertx, LlmConfig.from(new Env(env)));
    }

    OpenAiStreamingGenerator generator(Map<String, String> env, AccessTokenSource tokens) {
        return new OpenAiStreamingGenerator(vertx, LlmConfig.from(new Env(env)), tokens);
    }

    /** Starts a stream on a fresh event-loop context, as a server connection would. */
    Run start(OpenAiStreamingGenerator generator) {
        Run run = new Run();
        // a new event-loop context per stream, as each server connection has (getOrCreateContext()
        // from a non-Vert.x thread would return the same sticky context every time)
        Context context = ((io.vertx.core.internal.VertxInternal) vertx).createEventLoopContext();
        context.runOnContext(v -> {
            run.contextThread.complete(Thread.currentThread());
            TokenStream s = generator.stream(REQUEST, context);
            run.stream = s;
            s.handler(t -> {
                run.handlerThreads.add(Thread.currentThread());
                if (run.tokens.isEmpty()) {
                    run.firstTokenNanos = System.nanoTime();
                }
                run.tokens.add(t);
            }).endHandler(u -> {
                run.handlerThreads.add(Thread.currentThread());
                run.terminalCalls++;
                run.end.complete(u);
            }).exceptionHandler(e -> {
                run.handlerThreads.add(Thread.currentThread());
                run.terminalCalls++;
                run.end.completeExceptionally(e);
            });
            s.start();
        });
        return run;
    }

    static void await(String what, java.util.function.BooleanSupplier condition, long timeoutMs) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("timed out after " + timeoutMs + " ms waiting for: " + what);
            }
            Thread.sleep(10);
        }
    }

    @Override
    public void close() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }
}
