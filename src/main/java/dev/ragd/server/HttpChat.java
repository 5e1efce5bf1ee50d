package dev.ragd.server;

import dev.ragd.chat.ChatError;
import dev.ragd.chat.ChatEvents;
import dev.ragd.chat.ChatHandle;
import dev.ragd.chat.ChatPipeline;
import dev.ragd.chat.ChatRequest;
import dev.ragd.chat.EndInfo;
import dev.ragd.chat.ErrorCodes;
import dev.ragd.chat.RequestOrigin;
import dev.ragd.retrieval.Passage;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/**
 * {@code POST /v1/chat}: the native request as a JSON body, answered as a {@code text/event-stream}
 * of the native frames ({@code event: <type>}, {@code data: <json>}) or, with {@code "stream": false}
 * or in test mode, as one JSON body. Errors before the stream starts are JSON
 * {@code {"error": {...}}} with a status code; a client that disconnects cancels the request.
 */
final class HttpChat implements Handler<RoutingContext> {

    static final String JSON = "application/json; charset=utf-8";

    private final ChatPipeline pipeline;
    private final ServerSettings settings;

    HttpChat(ChatPipeline pipeline, ServerSettings settings) {
        this.pipeline = pipeline;
        this.settings = settings;
    }

    @Override
    public void handle(RoutingContext ctx) {
        HttpServerResponse response = ctx.response();
        ChatRequest request;
        try {
            String body = StrictUtf8.decode(ctx.body());
            if (body == null || body.isBlank()) {
                throw BadRequestException.field(null, "the request body is empty; send a JSON object with messages");
            }
            request = RequestParser.nativeRequest(RequestParser.object(body));
        } catch (BadRequestException e) {
            sendError(response, ChatError.of(ErrorCodes.BAD_REQUEST, e.getMessage(), false));
            return;
        }
        boolean whole = !request.stream() || settings.testMode();
        SseEvents sse = whole ? null : new SseEvents(request.id(), response, settings.edge().writeStallTimeoutMs(),
                ctx.vertx(), settings.edge().heartbeatMs());
        ChatHandle handle = pipeline.run(request, Admission.origin(ctx, RequestOrigin.HTTP), whole ? new JsonEvents(request.id(), response) : sse);
        if (sse != null) {
            // A client that leaves the stream unread past the bound: the run is cancelled (and logged),
            // and the connection dropped with what it has not read.
            sse.onStall = () -> {
                handle.cancel();
                HardClose.http(ctx.request().connection());
            };
        }
        if (!response.ended()) { // a request refused at once (question too long) has already been answered
            response.closeHandler(v -> handle.cancel());
        }
    }

    /** Answers {@code error} as the JSON error body with its status; completes when written (at once if already ended). */
    static Future<Void> sendError(HttpServerResponse response, ChatError error) {
        if (response.ended() || response.closed()) {
            return Future.succeededFuture();
        }
        response.setStatusCode(Wire.httpStatus(error)).putHeader("content-type", JSON);
        if (ErrorCodes.UNAUTHORIZED.equals(error.code())) {
            response.putHeader("www-authenticate", "Bearer realm=\"ragd\"");
        }
        if (error.retryAfterMs() != null) {
            response.putHeader("retry-after", Long.toString(Math.max(1, (error.retryAfterMs() + 999) / 1000)));
        }
        return response.end(Wire.errorBody(error).encode());
    }

    /** The whole answer as one JSON body. */
    private record JsonEvents(String id, HttpServerResponse response) implements ChatEvents {
        @Override public void onStart(String logId) {}

        @Override public void onSources(List<Passage> passages) {}

        @Override public void onToken(String text) {}

        @Override
        public void onEnd(EndInfo end) {
            if (!response.ended() && !response.closed()) {
                response.putHeader("content-type", JSON).end(Wire.answer(null, id, end).encode());
            }
        }

        @Override public void onError(ChatError error) { sendError(response, error); }

        @Override public boolean writeQueueFull() { return false; }

        @Override public void drainHandler(Handler<Void> handler) {}
    }

    /**
     * Server-sent events, written as they happen, with the response's back-pressure; a comment line
     * ({@code : heartbeat}) whenever nothing was written for {@code RAGD_HEARTBEAT_MS}, so a proxy's
     * idle timeout does not cut a stream waiting for the model.
     */
    private static final class SseEvents implements ChatEvents {
        private static final String HEARTBEAT = ": heartbeat\n\n";
        private final String id;
        private final HttpServerResponse response;
        private final DrainSignal drain;
        private final TokenFrame tokenFrame;
        private final io.vertx.core.Vertx vertx;
        private final int heartbeatMs;
        private long lastWriteNanos = System.nanoTime();

        private Runnable onStall = () -> {};

        SseEvents(String id, HttpServerResponse response, long stallMs, io.vertx.core.Vertx vertx, int heartbeatMs) {
            this.id = id;
            this.response = response;
            this.vertx = vertx;
            this.heartbeatMs = heartbeatMs;
            // The body was read before the answer starts: there is nothing to pause reading of.
            this.drain = new DrainSignal(response, null, stallMs, () -> onStall.run());
            this.tokenFrame = Wire.tokenFrame(id).wrapped("event: token\ndata: ", "\n\n");
        }

        @Override
        public void onStart(String logId) {
            response.setStatusCode(200).setChunked(true)
                    .putHeader("content-type", "text/event-stream; charset=utf-8")
                    .putHeader("cache-control", "no-cache")
                    .putHeader("x-accel-buffering", "no");
            event("start", Wire.start(id, logId));
            if (heartbeatMs > 0) {
                // Ticks at half the period and beats after half a period of silence: no gap exceeds it.
                long half = Math.max(1, heartbeatMs / 2);
                vertx.setPeriodic(half, timer -> {
                    if (response.ended() || response.closed()) {
                        vertx.cancelTimer(timer);
                    } else if (System.nanoTime() - lastWriteNanos >= half * 1_000_000L && !drain.writeQueueFull()) {
                        write(HEARTBEAT);
                    }
                });
            }
        }

        @Override
        public void onSources(List<Passage> passages) {
            event("sources", Wire.frame("sources", id).put("items", Wire.sources(passages)));
        }

        @Override
        public void onToken(String text) {
            write(tokenFrame.render(text));
        }

        @Override
        public void onEnd(EndInfo end) {
            event("end", Wire.end(id, end));
            if (!response.ended() && !response.closed()) {
                response.end();
            }
        }

        @Override
        public void onError(ChatError error) {
            if (!response.headWritten()) {
                sendError(response, error);
                return;
            }
            event("error", Wire.errorFrame(id, error));
            if (!response.ended() && !response.closed()) {
                response.end();
            }
        }

        @Override
        public boolean writeQueueFull() {
            return drain.writeQueueFull();
        }

        @Override
        public void drainHandler(Handler<Void> handler) {
            drain.await(handler);
        }

        private void event(String type, JsonObject data) {
            write("event: " + type + "\ndata: " + data.encode() + "\n\n");
        }

        private void write(String text) {
            if (!response.ended() && !response.closed()) {
                lastWriteNanos = System.nanoTime();
                response.write(text);
                drain.wrote();
            }
        }
    }
}
