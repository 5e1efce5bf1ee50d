package dev.ragd.llm.openai;

import dev.ragd.llm.TokenStream;
import dev.ragd.llm.UpstreamException;
import dev.ragd.llm.UpstreamException.Kind;
import dev.ragd.llm.Usage;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import dev.ragd.observe.ModelCallObserver;
import java.util.Locale;
import java.util.Map;

/**
 * One streamed chat completion. All work happens on the caller's {@link Context}: requests are
 * issued from it, so response buffers, SSE parsing and token handlers run on its event loop with no
 * hand-off per token. Methods may be called from any thread; effects are applied on the context.
 *
 * <p>Failure policy: before the first token, 429/5xx/connect errors/broken streams are retried
 * ({@link RetryPolicy}); once a token has been delivered nothing is retried. A stream that breaks
 * after tokens fails with {@link Kind#CUT}; one that goes silent for the stall timeout after tokens
 * fails with {@link Kind#STALLED} — which therefore also always means the answer was cut. No first
 * token within the first-token timeout is {@link Kind#TIMEOUT} (not retried: the wait was spent).
 * Every failure reaches the exception handler as an {@link UpstreamException}.
 *
 * <p>Tokens parsed while paused are queued and delivered (with the end or failure after them) on
 * resume; pausing also pauses the HTTP response, pushing back into TCP. Without upstream usage, the
 * end reports {@code Usage(0, number of content chunks)} (one chunk is about one token).
 *
 * <p>What happens is told to the call's {@link ModelCallObserver} (retries, rate-limit headroom,
 * first chunk, how it ended); the observer also gives the headers that join the call to a trace.
 */
final class OpenAiTokenStream implements TokenStream, UpstreamExchange.Listener {

    private final OpenAiStreamingGenerator up;
    private final Vertx vertx;
    private final Context context;
    private final Buffer body;
    private final Watchdog watchdog;
    private final ModelCallObserver observer;
    private final TokenQueue queue = new TokenQueue(() -> this.paused || this.cancelled);

    private Handler<Usage> endHandler;
    private Handler<Throwable> exceptionHandler;

    private volatile boolean started;
    private volatile boolean paused;
    private volatile boolean cancelled;
    private boolean finished;
    private boolean upstreamDone;
    private CircuitBreaker.Permit permit;
    private long startedAt;
    private int attempts;
    private long retryTimer = -1;
    private UpstreamExchange exchange;
    private int tokenCount;
    private Usage usage;
    private String finishReason;

    OpenAiTokenStream(OpenAiStreamingGenerator up, Context context, Buffer body, ModelCallObserver observer) {
        this.up = up;
        this.observer = observer;
        this.vertx = up.vertx();
        this.context = context;
        this.body = body;
        this.watchdog = new Watchdog(vertx);
    }

    @Override
    public TokenStream handler(Handler<String> h) { queue.sink(h); return this; }

    @Override
    public TokenStream endHandler(Handler<Usage> h) { endHandler = h; return this; }

    @Override
    public TokenStream exceptionHandler(Handler<Throwable> h) { exceptionHandler = h; return this; }

    @Override
    public void start() {
        if (started) {
            throw new IllegalStateException("stream already started");
        }
        started = true;
        onContext(this::begin);
    }

    @Override
    public void pause() {
        paused = true;
        onContext(() -> {
            if (exchange != null) {
                exchange.pause();
            }
            watchdog.stop(); // a paused upstream cannot make progress; do not call it stalled
        });
    }

    @Override
    public void resume() {
        paused = false;
        onContext(() -> {
            queue.drain();
            if (!finished && !cancelled && !upstreamDone && exchange != null) {
                exchange.resume();
                watchdog.touch();
                armWatchdog();
            }
        });
    }

    @Override
    public void cancel() {
        cancelled = true;
        onContext(() -> {
            boolean wasFinished = finished;
            finished = true;
            queue.clear();
            stopAll();
            if (!wasFinished && permit != null) {
                up.breaker().onAbandon(permit);
            }
            if (!wasFinished && started) {
                observer.cancelled();
            }
        });
    }

    private void begin() {
        if (cancelled) {
            return;
        }
        startedAt = System.currentTimeMillis();
        CircuitBreaker.Permit p = up.breaker().tryAcquire();
        if (!p.allowed()) {
            fail(CircuitBreaker.rejection(up.name(), p));
            return;
        }
        permit = p;
        attempt();
    }

    private void attempt() {
        if (cancelled || finished) {
            return;
        }
        attempts++;
        exchange = new UpstreamExchange(up, body, this);
        watchdog.touch();
        armWatchdog();
        exchange.start(context);
    }

    @Override
    public void onEvent(String data) {
        if (finished || upstreamDone) {
            return;
        }
        if (ChatChunk.DONE.equals(data.strip())) {
            done();
            return;
        }
        ChatChunk chunk = ChatChunk.read(data);
        if (chunk.isError()) {
            onBroken(up.errors().fromStreamError(chunk));
            return;
        }
        if (chunk.usage() != null) {
            usage = chunk.usage();
        }
        if (chunk.finishReason() != null) {
            finishReason = chunk.finishReason();
        }
        watchdog.touch();
        if (chunk.content() != null) {
            if (tokenCount++ == 0) {
                observer.firstChunk();
                if (!paused) {
                    armWatchdog(); // from now on the (shorter) stall timeout applies
                }
            }
            queue.offer(chunk.content());
        }
    }

    @Override
    public void onEnd() {
        if (finished || upstreamDone) {
            return;
        }
        if (finishReason != null) {
            done(); // ended without [DONE], but the model said it had finished
        } else {
            onBroken(new UpstreamException(Kind.UNAVAILABLE, "stream ended without [DONE]", 200, null, null));
        }
    }

    /** The stream broke: retry if nothing was delivered yet, otherwise the answer is cut. */
    @Override
    public void onBroken(UpstreamException cause) {
        if (tokenCount == 0) {
            onFailure(cause);
            return;
        }
        upstreamDone = true;
        stopAll();
        UpstreamException cut = new UpstreamException(Kind.CUT, "stream broke after " + tokenCount
                + " tokens (" + UpstreamErrors.detail(cause) + "); answer cut", cause.status(), null, cause.getCause());
        queue.then(() -> fail(cut));
    }

    /** Failure before the first token: retry within the policy, or give up. */
    @Override
    public void onFailure(UpstreamException e) {
        stopAll();
        boolean retryable = UpstreamErrors.retriedBeforeFirstToken(e.kind());
        int retries = attempts - 1;
        long delay = up.retryPolicy().delayMs(retries, e.retryAfterMs());
        if (retryable && up.retryPolicy().allows(retries, System.currentTimeMillis() - startedAt, delay)) {
            observer.retrying(kind(e), e.status(), attempts, delay, UpstreamErrors.detail(e));
            retryTimer = vertx.setTimer(Math.max(1, delay), t -> {
                retryTimer = -1;
                attempt();
            });
        } else if (!retryable || up.retryPolicy().maxRetries() == 0) {
            fail(e);
        } else {
            Long after = e.retryAfterMs() != null ? e.retryAfterMs() : Long.valueOf(delay);
            fail(new UpstreamException(e.kind(), UpstreamErrors.detail(e) + " (gave up after " + attempts + " attempts)",
                    e.status(), after, e.getCause()));
        }
    }

    private void done() {
        upstreamDone = true;
        watchdog.stop();
        if (exchange != null) {
            exchange.release(); // keep-alive: the connection returns to the pool
            exchange = null;
        }
        queue.then(() -> {
            finished = true;
            stopAll();
            up.breaker().onSuccess(permit);
            Usage told = usage != null ? usage : new Usage(0, tokenCount);
            observer.succeeded(told.promptTokens(), told.completionTokens(), finishReason);
            if (endHandler != null) {
                endHandler.handle(told);
            }
        });
    }

    private void fail(UpstreamException e) {
        if (finished) {
            return;
        }
        finished = true;
        stopAll();
        if (permit != null) {
            up.breaker().onFailure(permit, e.kind());
        }
        observer.failed(kind(e), e.status(), attempts, tokenCount, UpstreamErrors.detail(e));
        if (exceptionHandler != null) {
            exceptionHandler.handle(e);
        }
    }

    @Override
    public Map<String, String> extraHeaders() {
        return observer.headers();
    }

    @Override
    public void onHeaders(MultiMap headers) {
        Long requests = number(headers.get("x-ratelimit-remaining-requests"));
        Long tokens = number(headers.get("x-ratelimit-remaining-tokens"));
        if (requests != null || tokens != null) {
            observer.rateLimit(requests, tokens);
        }
    }

    private static Long number(String header) {
        if (header == null) {
            return null;
        }
        try {
            return Long.parseLong(header.strip());
        } catch (NumberFormatException e) {
            return null; // a header we cannot read tells us nothing
        }
    }

    private static String kind(UpstreamException e) {
        return e.kind().name().toLowerCase(Locale.ROOT);
    }

    private void armWatchdog() {
        watchdog.arm(() -> tokenCount == 0 ? up.config().firstTokenTimeoutMs() : up.config().stallTimeoutMs(),
                this::onSilence);
    }

    private void onSilence() {
        if (finished || cancelled || upstreamDone || paused) {
            return;
        }
        if (tokenCount == 0) {
            fail(new UpstreamException(Kind.TIMEOUT, "no first token within " + up.config().firstTokenTimeoutMs()
                    + " ms", 0, null, null));
            return;
        }
        upstreamDone = true;
        stopAll();
        UpstreamException stalled = new UpstreamException(Kind.STALLED, "no token for " + up.config().stallTimeoutMs()
                + " ms after " + tokenCount + " tokens; answer cut", 0, null, null);
        queue.then(() -> fail(stalled));
    }

    /** Stops timers and closes the current exchange (resetting it if still in flight). */
    private void stopAll() {
        watchdog.stop();
        if (retryTimer >= 0) {
            vertx.cancelTimer(retryTimer);
            retryTimer = -1;
        }
        if (exchange != null) {
            exchange.close();
            exchange = null;
        }
    }

    private void onContext(Runnable action) {
        if (Vertx.currentContext() == context) {
            action.run();
        } else {
            context.runOnContext(v -> action.run());
        }
    }
}
