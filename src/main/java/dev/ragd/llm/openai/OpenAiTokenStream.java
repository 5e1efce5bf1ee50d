package dev.ragd.llm.openai;

import dev.ragd.llm.TokenStream;
import dev.ragd.llm.UpstreamException;
import dev.ragd.llm.UpstreamException.Kind;
import dev.ragd.llm.Usage;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One streamed chat completion. All work happens on the caller's {@link Context}: the HTTP request
 * is issued from it, so response buffers, SSE parsing and token handlers run on its event loop with
 * no hand-off per token.
 *
 * <p>Failure policy: before the first token, 429/5xx/connect errors/broken streams are retried
 * ({@link RetryPolicy}); once a token has been delivered nothing is retried. A stream that breaks
 * after tokens fails with {@link Kind#CUT}; one that goes silent for the stall timeout after tokens
 * fails with {@link Kind#STALLED} — which therefore always means the answer was cut too. No first
 * token within the first-token timeout is {@link Kind#TIMEOUT} (not retried: the wait was spent).
 * Every failure reaches the exception handler as an {@link UpstreamException}.
 *
 * <p>Tokens parsed while paused are queued and delivered (with the end or failure after them) on
 * resume; pausing also pauses the HTTP response, pushing back into TCP.
 */
final class OpenAiTokenStream implements TokenStream {

    private static final Logger log = LoggerFactory.getLogger(OpenAiTokenStream.class);

    private final OpenAiStreamingGenerator up;
    private final Vertx vertx;
    private final Context context;
    private final Buffer body;
    private final ArrayDeque<String> pending = new ArrayDeque<>();

    private Handler<String> tokenHandler;
    private Handler<Usage> endHandler;
    private Handler<Throwable> exceptionHandler;

    private volatile boolean started;
    private volatile boolean paused;
    private volatile boolean cancelled;
    private boolean finished;
    private boolean upstreamDone;
    private Runnable terminal;
    private CircuitBreaker.Permit permit;
    private long startedAt;
    private int attempt;
    private int retries;
    private HttpClientRequest request;
    private HttpClientResponse response;
    private boolean responseEnded;
    private long watchdog = -1;
    private long lastProgress;
    private long retryTimer = -1;
    private int tokenCount;
    private Usage usage;
    private String finishReason;

    OpenAiTokenStream(OpenAiStreamingGenerator up, Context context, Buffer body) {
        this.up = up;
        this.vertx = up.vertx();
        this.context = context;
        this.body = body;
    }

    @Override
    public TokenStream handler(Handler<String> h) { tokenHandler = h; return this; }

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
            if (response != null && !upstreamDone) {
                response.pause();
            }
            stopWatchdog();
        });
    }

    @Override
    public void resume() {
        paused = false;
        onContext(() -> {
            drain();
            if (!finished && !cancelled && response != null && !upstreamDone) {
                response.resume();
                lastProgress = System.nanoTime();
                scheduleWatchdog(attempt, limitMs());
            }
        });
    }

    @Override
    public void cancel() {
        cancelled = true;
        onContext(() -> {
            boolean wasFinished = finished;
            finished = true;
            pending.clear();
            terminal = null;
            stopTimers();
            closeUpstream();
            if (!wasFinished && permit != null) {
                up.breaker().onAbandon(permit);
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
        int id = ++attempt;
        responseEnded = false;
        lastProgress = System.nanoTime();
        scheduleWatchdog(id, up.config().firstTokenTimeoutMs());
        if (!up.endpoint().needsToken()) {
            send(id, null);
            return;
        }
        up.tokens().token().onComplete(ar -> onContext(() -> {
            if (stale(id)) {
                return;
            }
            if (ar.failed()) {
                fail(new UpstreamException(Kind.AUTH, String.valueOf(ar.cause().getMessage()), 0, null, null));
            } else {
                send(id, ar.result());
            }
        }));
    }

    private void send(int id, String bearer) {
        MultiMap headers = MultiMap.caseInsensitiveMultiMap();
        up.endpoint().addHeaders(headers, bearer);
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST)
                .setAbsoluteURI(up.endpoint().url()).setHeaders(headers)
                .setConnectTimeout(up.config().connectTimeoutMs());
        up.client().request(options).onComplete(ar -> {
            if (ar.failed()) {
                if (!stale(id)) {
                    attemptFailed(id, UpstreamErrors.fromThrowable(ar.cause()));
                }
                return;
            }
            HttpClientRequest req = ar.result();
            if (stale(id)) {
                req.reset();
                return;
            }
            request = req;
            req.send(body).onComplete(rr -> {
                if (stale(id)) {
                    return;
                }
                if (rr.failed()) {
                    attemptFailed(id, UpstreamErrors.fromThrowable(rr.cause()));
                } else {
                    onResponse(id, rr.result());
                }
            });
        });
    }

    private void onResponse(int id, HttpClientResponse resp) {
        response = resp;
        int status = resp.statusCode();
        if (status < 200 || status > 299) {
            resp.body().onComplete(b -> {
                responseEnded = true;
                if (!stale(id)) {
                    String text = b.succeeded() ? b.result().toString(StandardCharsets.UTF_8) : "";
                    attemptFailed(id, up.errors().classify(status, resp.headers(), text));
                }
            });
            return;
        }
        SseReader reader = new SseReader(data -> onEvent(id, data));
        resp.exceptionHandler(t -> {
            if (!stale(id) && !upstreamDone) {
                broken(id, UpstreamErrors.fromThrowable(t));
            }
        });
        resp.handler(buf -> {
            if (!stale(id) && !upstreamDone) {
                reader.feed(buf);
            }
        });
        resp.endHandler(v -> {
            responseEnded = true;
            if (stale(id) || upstreamDone) {
                return;
            }
            reader.end();
            if (!stale(id) && !upstreamDone) {
                if (finishReason != null) {
                    done(); // ended without [DONE] but the model said it finished
                } else {
                    broken(id, new UpstreamException(Kind.UNAVAILABLE, "stream ended without [DONE]", status, null, null));
                }
            }
        });
        if (paused) {
            resp.pause();
        }
    }

    private void onEvent(int id, String data) {
        if (stale(id) || upstreamDone) {
            return;
        }
        if (ChatChunk.DONE.equals(data.strip())) {
            done();
            return;
        }
        ChatChunk chunk;
        try {
            chunk = ChatChunk.parse(data);
        } catch (IllegalArgumentException e) {
            broken(id, new UpstreamException(Kind.UNAVAILABLE, "malformed stream event: " + e.getMessage(), 200, null, null));
            return;
        }
        if (chunk.isError()) {
            String code = String.valueOf(chunk.errorCode());
            Kind kind = code.contains("rate_limit") || code.contains("429") ? Kind.RATE_LIMITED : Kind.UNAVAILABLE;
            broken(id, new UpstreamException(kind, "error event in stream: "
                    + up.errors().redact(chunk.errorMessage()), 200, null, null));
            return;
        }
        if (chunk.usage() != null) {
            usage = chunk.usage();
        }
        if (chunk.finishReason() != null) {
            finishReason = chunk.finishReason();
        }
        lastProgress = System.nanoTime();
        if (chunk.content() != null) {
            if (tokenCount++ == 0) {
                stopWatchdog(); // from now on the stall timeout applies
                if (!paused) {
                    scheduleWatchdog(id, limitMs());
                }
            }
            deliver(chunk.content());
        }
    }

    private void deliver(String token) {
        if (paused || !pending.isEmpty()) {
            pending.add(token);
        } else if (tokenHandler != null) {
            tokenHandler.handle(token);
        }
    }

    private void drain() {
        while (!paused && !cancelled && !pending.isEmpty()) {
            String token = pending.poll();
            if (tokenHandler != null) {
                tokenHandler.handle(token);
            }
        }
        if (!paused && !cancelled && pending.isEmpty() && terminal != null) {
            Runnable t = terminal;
            terminal = null;
            t.run();
        }
    }

    /** The upstream finished: end once the queued tokens are out. */
    private void done() {
        upstreamDone = true;
        stopWatchdog();
        afterDrain(() -> {
            if (finished) {
                return;
            }
            finished = true;
            stopTimers();
            up.breaker().onSuccess(permit);
            if (endHandler != null) {
                endHandler.handle(usage != null ? usage : new Usage(0, tokenCount));
            }
        });
    }

    /** The stream broke: retry if nothing was delivered yet, otherwise the answer is cut. */
    private void broken(int id, UpstreamException cause) {
        if (tokenCount == 0) {
            attemptFailed(id, cause);
            return;
        }
        upstreamDone = true;
        closeUpstream();
        UpstreamException cut = new UpstreamException(Kind.CUT, "stream broke after " + tokenCount
                + " tokens (" + detail(cause) + "); answer cut", cause.status(), null, cause.getCause());
        afterDrain(() -> fail(cut));
    }

    private void afterDrain(Runnable action) {
        terminal = action;
        drain();
    }

    /** Failure before the first token: retry within the policy, or give up. */
    private void attemptFailed(int id, UpstreamException e) {
        stopWatchdog();
        closeUpstream();
        boolean retryable = e.kind() == Kind.RATE_LIMITED || e.kind() == Kind.UNAVAILABLE || e.kind() == Kind.TIMEOUT;
        long delay = up.retryPolicy().delayMs(retries, e.retryAfterMs());
        if (retryable && up.retryPolicy().allows(retries, System.currentTimeMillis() - startedAt, delay)) {
            retries++;
            log.atInfo().addKeyValue("upstream", up.name()).addKeyValue("kind", e.kind())
                    .addKeyValue("status", e.status()).addKeyValue("attempt", id).addKeyValue("delay_ms", delay)
                    .log("llm upstream retry");
            retryTimer = vertx.setTimer(Math.max(1, delay), t -> {
                retryTimer = -1;
                attempt();
            });
            return;
        }
        if (!retryable || id == 1 && up.retryPolicy().maxRetries() == 0) {
            fail(e);
            return;
        }
        Long after = e.retryAfterMs() != null ? e.retryAfterMs() : Long.valueOf(delay);
        fail(new UpstreamException(e.kind(), detail(e) + " (gave up after " + id + " attempts)", e.status(), after, e.getCause()));
    }

    private void fail(UpstreamException e) {
        if (finished) {
            return;
        }
        finished = true;
        stopTimers();
        closeUpstream();
        if (permit != null) {
            up.breaker().onFailure(permit, e.kind());
        }
        var event = e.kind() == Kind.CIRCUIT_OPEN ? log.atDebug() : log.atWarn();
        event.addKeyValue("upstream", up.name()).addKeyValue("kind", e.kind()).addKeyValue("status", e.status())
                .addKeyValue("attempts", attempt).addKeyValue("tokens", tokenCount)
                .addKeyValue("detail", detail(e)).log("llm upstream failed");
        if (exceptionHandler != null) {
            exceptionHandler.handle(e);
        }
    }

    private long limitMs() {
        return tokenCount == 0 ? up.config().firstTokenTimeoutMs() : up.config().stallTimeoutMs();
    }

    private void scheduleWatchdog(int id, long delayMs) {
        stopWatchdog();
        watchdog = vertx.setTimer(Math.max(1, delayMs), t -> {
            watchdog = -1;
            if (stale(id) || upstreamDone || paused) {
                return;
            }
            long idle = (System.nanoTime() - lastProgress) / 1_000_000;
            long limit = limitMs();
            if (idle < limit) {
                scheduleWatchdog(id, limit - idle);
            } else if (tokenCount == 0) {
                fail(new UpstreamException(Kind.TIMEOUT, "no first token within " + limit + " ms", 0, null, null));
            } else {
                upstreamDone = true;
                closeUpstream();
                UpstreamException stalled = new UpstreamException(Kind.STALLED, "no token for " + limit
                        + " ms after " + tokenCount + " tokens; answer cut", 0, null, null);
                afterDrain(() -> fail(stalled));
            }
        });
    }

    private void stopWatchdog() {
        if (watchdog >= 0) {
            vertx.cancelTimer(watchdog);
            watchdog = -1;
        }
    }

    private void stopTimers() {
        stopWatchdog();
        if (retryTimer >= 0) {
            vertx.cancelTimer(retryTimer);
            retryTimer = -1;
        }
    }

    /** Closes the upstream exchange unless it completed (HTTP/1.1: resetting closes the connection). */
    private void closeUpstream() {
        HttpClientRequest req = request;
        request = null;
        response = null;
        if (req != null && !responseEnded) {
            req.reset();
        }
    }

    private boolean stale(int id) {
        return cancelled || finished || id != attempt;
    }

    private void onContext(Runnable action) {
        if (Vertx.currentContext() == context) {
            action.run();
        } else {
            context.runOnContext(v -> action.run());
        }
    }

    /** The detail part of an exception's message (after "KIND (HTTP n): "). */
    static String detail(UpstreamException e) {
        String m = e.getMessage();
        int i = m.indexOf(": ");
        return i < 0 ? m : m.substring(i + 2);
    }
}
