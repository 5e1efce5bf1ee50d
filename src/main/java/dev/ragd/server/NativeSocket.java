package dev.ragd.server;

import dev.ragd.auth.Identity;
import dev.ragd.chat.ChatError;
import dev.ragd.chat.ChatEvents;
import dev.ragd.chat.ChatHandle;
import dev.ragd.chat.ChatPipeline;
import dev.ragd.chat.ChatRequest;
import dev.ragd.chat.ClientErrors;
import dev.ragd.chat.RequestOrigin;
import dev.ragd.chat.EndInfo;
import dev.ragd.chat.ErrorCodes;
import dev.ragd.retrieval.Passage;
import io.vertx.core.Handler;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The native WebSocket at {@code /v1/chat}: many requests per connection, each tagged by id, up to
 * {@code RAGD_WS_MAX_INFLIGHT} at once; {@code {"type":"stop","id":…}} stops one, and
 * {@code {"type":"feedback",…}} rates a finished answer. Bad requests get
 * an {@code error} frame; the socket stays open. Closing the socket cancels everything in flight.
 * All state lives on the socket's event loop.
 */
final class NativeSocket {

    private static final Logger log = LoggerFactory.getLogger(NativeSocket.class);

    private final ServerWebSocket ws;
    private final ChatPipeline pipeline;
    private final ServerSettings settings;
    private final RequestOrigin origin;
    private final DrainSignal drain;
    private final Map<String, ChatHandle> inflight = new HashMap<>();
    private int ratingsInFlight;

    private NativeSocket(ServerWebSocket ws, ChatPipeline pipeline, ServerSettings settings, RequestOrigin origin) {
        this.ws = ws;
        this.pipeline = pipeline;
        this.settings = settings;
        this.origin = origin;
        this.drain = DrainSignal.webSocket(ws, settings.edge().writeStallTimeoutMs(), this::cancelAll);
    }

    /** Serves {@code ws}; the returned socket tells whether a request is in flight ({@link #busy()}). */
    static NativeSocket attach(ServerWebSocket ws, ChatPipeline pipeline, ServerSettings settings,
            RequestOrigin origin) {
        NativeSocket s = new NativeSocket(ws, pipeline, settings, origin);
        ws.textMessageHandler(s::onText);
        ws.binaryMessageHandler(b -> s.send(Wire.errorFrame(null, ChatError.of(ErrorCodes.BAD_REQUEST,
                "binary frames are not supported; send JSON text frames", false))));
        ws.exceptionHandler(e -> log.atDebug().setCause(e).log("native socket error"));
        ws.closeHandler(v -> s.cancelAll());
        return s;
    }

    /** Whether a request is in flight on this socket (the idle timeout leaves it alone then). */
    boolean busy() {
        return !inflight.isEmpty();
    }

    private void onText(String text) {
        ChatRequest request;
        try {
            JsonObject frame = RequestParser.object(text);
            String type = RequestParser.frameType(frame);
            if (type.equals("stop")) {
                stop(frame);
                return;
            }
            if (type.equals("feedback")) {
                rate(FeedbackRequest.parse(frame));
                return;
            }
            request = RequestParser.nativeRequest(frame);
        } catch (BadRequestException e) {
            send(Wire.errorFrame(e.requestId, ChatError.of(ErrorCodes.BAD_REQUEST, e.getMessage(), false)));
            return;
        }
        String id = request.id();
        if (inflight.containsKey(id)) {
            send(Wire.errorFrame(id, ChatError.of(ErrorCodes.BAD_REQUEST,
                    "request id " + id + " is already in flight on this socket", false)));
            return;
        }
        int limit = settings.maxInflightPerSocket();
        if (inflight.size() >= limit) {
            send(Wire.errorFrame(id, ChatError.of(ErrorCodes.TOO_MANY_REQUESTS, "at most " + limit
                    + " requests may be in flight on one socket; wait for an end or error frame", true)));
            return;
        }
        boolean whole = !request.stream() || settings.testMode();
        inflight.put(id, ChatHandle.DONE); // reserved before run: run may end the request synchronously
        try {
            ChatHandle handle = pipeline.run(request, origin, new Events(id, whole));
            inflight.computeIfPresent(id, (k, v) -> handle);
        } catch (RuntimeException e) {
            // A bug must not cost the socket its slot for good, nor leave the client waiting.
            log.atError().addKeyValue("request_id", id).setCause(e).log("request failed unexpectedly");
            if (inflight.remove(id) != null) { // else run already sent this request's last frame
                send(Wire.errorFrame(id, ClientErrors.internal()));
            }
        }
    }

    /** {@code {"type":"stop","id":…}}: the request ends with an {@code end} frame of status {@code stopped}. */
    private void stop(JsonObject frame) throws BadRequestException {
        String id = RequestParser.id(frame);
        if (id == null) {
            throw BadRequestException.field(null, "a stop frame needs the id of the request to stop");
        }
        ChatHandle handle = inflight.get(id);
        if (handle == null) {
            // Also what a stop that crossed the request's end frame gets: the client may ignore it.
            send(Wire.errorFrame(id, ChatError.of(ErrorCodes.NOT_FOUND, "request " + id
                    + " is not in flight on this socket (it may have just ended)", false)));
            return;
        }
        handle.stop();
    }

    /**
     * {@code {"type":"feedback","id"?,"log_id",…}}: answered by a {@code feedback} frame with status
     * {@code recorded}, or an {@code error} frame; both carry the frame's id. Ratings take no answer
     * slot, but at most {@code RAGD_WS_MAX_INFLIGHT} of them are written at once per socket, so a
     * flood of frames cannot queue unbounded writes on the store.
     */
    private void rate(FeedbackRequest request) {
        int limit = settings.maxInflightPerSocket();
        if (ratingsInFlight >= limit) {
            send(Wire.errorFrame(request.id(), ChatError.of(ErrorCodes.TOO_MANY_REQUESTS, "at most " + limit
                    + " ratings may be in flight on one socket; wait for their feedback frames", true)));
            return;
        }
        ratingsInFlight++;
        String caller = Identity.signedIn(origin.identity());
        Admission.onContext(pipeline.rate(request.logId(), caller, request.feedback(), RequestOrigin.WS_NATIVE), ar -> {
            ratingsInFlight--;
            ChatError error = FeedbackRoute.outcome(request, ar);
            send(error != null ? Wire.errorFrame(request.id(), error)
                    : Wire.frame("feedback", request.id()).mergeIn(FeedbackRoute.recorded(request)));
        });
    }

    private void cancelAll() {
        List<ChatHandle> handles = new ArrayList<>(inflight.values());
        inflight.clear();
        handles.forEach(ChatHandle::cancel);
    }

    private void send(JsonObject frame) {
        send(frame.encode());
    }

    private void send(String text) {
        if (!ws.isClosed()) {
            ws.writeTextMessage(text);
            drain.wrote();
        }
    }

    /** One request's events rendered as frames tagged with its id. */
    private final class Events implements ChatEvents {
        private final String id;
        private final boolean whole;
        private final TokenFrame tokenFrame;

        Events(String id, boolean whole) {
            this.id = id;
            this.whole = whole;
            this.tokenFrame = whole ? null : Wire.tokenFrame(id);
        }

        @Override
        public void onStart(String logId) {
            if (!whole) {
                send(Wire.start(id, logId));
            }
        }

        @Override
        public void onSources(List<Passage> passages) {
            if (!whole) {
                send(Wire.frame("sources", id).put("items", Wire.sources(passages)));
            }
        }

        @Override
        public void onToken(String text) {
            if (!whole) {
                send(tokenFrame.render(text));
            }
        }

        @Override
        public void onEnd(EndInfo end) {
            inflight.remove(id);
            send(whole ? Wire.answer("answer", id, end) : Wire.end(id, end));
        }

        @Override
        public void onError(ChatError error) {
            inflight.remove(id);
            send(Wire.errorFrame(id, error));
        }

        @Override
        public boolean writeQueueFull() {
            return !whole && drain.writeQueueFull();
        }

        @Override
        public void drainHandler(Handler<Void> handler) {
            drain.await(handler);
        }
    }
}
