package dev.ragd.llm.openai;

import dev.ragd.llm.UpstreamException;
import io.vertx.core.Context;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.nio.charset.StandardCharsets;

/**
 * One HTTP attempt at a streamed chat completion. {@link #start} must be called on the stream's
 * context: the request is then bound to it and every callback runs on its event loop. After
 * {@link #close()} the listener is never called again.
 */
final class UpstreamExchange {

    /** What the attempt reports; each call happens at most once except {@link #onEvent}. */
    interface Listener {
        /** The data of one server-sent event of a 2xx response. */
        void onEvent(String data);

        /** The 2xx body ended. */
        void onEnd();

        /** No usable response: I/O failure before the status, or a non-2xx status (classified). */
        void onFailure(UpstreamException e);

        /** The 2xx body broke off with an I/O error. */
        void onBroken(UpstreamException e);

        /** Headers to add to the request (trace context). */
        default java.util.Map<String, String> extraHeaders() {
            return java.util.Map.of();
        }

        /** The response's headers, whatever its status (rate-limit headroom). */
        default void onHeaders(MultiMap headers) {}
    }

    private final OpenAiStreamingGenerator up;
    private final Buffer body;
    private final Listener listener;
    private HttpClientRequest request;
    private HttpClientResponse response;
    private boolean paused;
    private boolean completed;
    private boolean closed;

    UpstreamExchange(OpenAiStreamingGenerator up, Buffer body, Listener listener) {
        this.up = up;
        this.body = body;
        this.listener = listener;
    }

    /** Gets a bearer token first when the upstream needs one, then sends; callbacks run on {@code context}. */
    void start(Context context) {
        if (!up.endpoint().needsToken()) {
            send(null);
            return;
        }
        up.tokens().token().onComplete(ar -> context.runOnContext(v -> {
            if (closed) {
                return;
            }
            if (ar.failed()) {
                listener.onFailure(UpstreamErrors.tokenFailure(ar.cause()));
            } else {
                send(ar.result());
            }
        }));
    }

    private void send(String bearer) {
        MultiMap headers = MultiMap.caseInsensitiveMultiMap();
        up.endpoint().addHeaders(headers, bearer);
        listener.extraHeaders().forEach(headers::set);
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST)
                .setAbsoluteURI(up.endpoint().url()).setHeaders(headers)
                .setConnectTimeout(up.config().connectTimeoutMs());
        up.client().request(options).onComplete(ar -> {
            if (ar.failed()) {
                if (!closed) {
                    listener.onFailure(UpstreamErrors.fromThrowable(ar.cause()));
                }
                return;
            }
            request = ar.result();
            if (closed) {
                request.reset();
                return;
            }
            request.send(body).onComplete(rr -> {
                if (closed) {
                    return;
                }
                if (rr.failed()) {
                    listener.onFailure(UpstreamErrors.fromThrowable(rr.cause()));
                } else {
                    onResponse(rr.result());
                }
            });
        });
    }

    private void onResponse(HttpClientResponse resp) {
        response = resp;
        int status = resp.statusCode();
        listener.onHeaders(resp.headers());
        if (status < 200 || status > 299) {
            resp.body().onComplete(b -> {
                completed = true;
                if (!closed) {
                    String text = b.succeeded() ? b.result().toString(StandardCharsets.UTF_8) : "";
                    listener.onFailure(up.errors().classify(status, resp.headers(), text));
                }
            });
            return;
        }
        SseReader reader = new SseReader(data -> {
            if (!closed) {
                listener.onEvent(data);
            }
        });
        resp.exceptionHandler(t -> {
            if (!closed) {
                listener.onBroken(UpstreamErrors.fromThrowable(t));
            }
        });
        resp.handler(buf -> {
            if (!closed) {
                reader.feed(buf);
            }
        });
        resp.endHandler(v -> {
            completed = true;
            if (!closed) {
                reader.end();
            }
            if (!closed) {
                listener.onEnd();
            }
        });
        if (paused) {
            resp.pause();
        }
    }

    /** Stops reading the body (TCP back-pressure reaches the upstream). */
    void pause() {
        paused = true;
        if (response != null && !closed) {
            response.pause();
        }
    }

    void resume() {
        paused = false;
        if (response != null && !closed) {
            response.resume();
        }
    }

    /** Silences the listener; an exchange still in flight is reset, which closes its HTTP/1.1 connection. */
    void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (request != null && !completed) {
            request.reset();
        }
    }

    /**
     * Silences the listener after a complete answer ({@code [DONE]}) but lets the rest of the body
     * (usually just its end) be read, so the connection goes back to the pool for reuse.
     */
    void release() {
        if (closed) {
            return;
        }
        closed = true;
        if (response != null && !completed) {
            response.handler(null);
            response.resume();
        }
    }
}
