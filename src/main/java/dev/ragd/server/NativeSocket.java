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
import dev.ragd.chatlog.ChatRecord;
import dev.ragd.resume.Frame;
import dev.ragd.resume.FrameBuffer;
import dev.ragd.resume.FramePump;
import dev.ragd.resume.ResumableAnswers;
import dev.ragd.retrieval.Passage;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
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
 * {@code RAGD_WS_MAX_INFLIGHT} at once; {@code {"type":"stop","id":…}} stops one,
 * {@code {"type":"feedback",…}} rates a finished answer, and {@code {"type":"resume","log_id":…,"after":…}}
 * picks up a streaming answer (of this socket or any other, on this replica or, with Redis, any) after
 * the last frame the client got. Bad requests get an {@code error} frame; the socket stays open.
 * Closing the socket leaves its streaming answers running for the resume window (cancels them
 * without one) and cancels its whole-answer requests. All state lives on the socket's event loop.
 */
final class NativeSocket {

    private static final Logger log = LoggerFactory.getLogger(NativeSocket.class);

    private final ServerWebSocket ws;
    private final ChatPipeline pipeline;
    private final ServerSettings settings;
    private final RequestOrigin origin;
    private final DrainSignal drain;
    private final ResumableAnswers resumable;
    private final Context context;
    private final Map<String, Inflight> inflight = new HashMap<>();
    private int ratingsInFlight;

    /** A request in flight: what stops or cancels it, and the pump copying its frames here (streams only). */
    private static final class Inflight {
        ChatHandle handle = ChatHandle.DONE;
        FramePump pump;
    }

    private NativeSocket(ServerWebSocket ws, ChatPipeline pipeline, ServerSettings settings, RequestOrigin origin,
            ResumableAnswers resumable) {
        this.ws = ws;
        this.pipeline = pipeline;
        this.settings = settings;
        this.origin = origin;
        this.resumable = resumable;
        this.context = Vertx.currentContext();
        this.drain = DrainSignal.webSocket(ws, settings.edge().writeStallTimeoutMs(), this::cancelAll);
    }

    /** Serves {@code ws}; the returned socket tells whether a request is in flight ({@link #busy()}). */
    static NativeSocket attach(ServerWebSocket ws, ChatPipeline pipeline, ServerSettings settings,
            RequestOrigin origin, ResumableAnswers resumable) {
        NativeSocket s = new NativeSocket(ws, pipeline, settings, origin, resumable);
        ws.textMessageHandler(s::onText);
        ws.binaryMessageHandler(b -> s.send(Wire.errorFrame(null, ChatError.of(ErrorCodes.BAD_REQUEST,
                "binary frames are not supported; send JSON text frames", false))));
        ws.exceptionHandler(e -> log.atDebug().setCause(e).log("native socket error"));
        ws.closeHandler(v -> s.leaveAll());
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
            if (type.equals("resume")) {
                resume(ResumeRequest.parse(frame));
                return;
            }
            request = RequestParser.nativeRequest(frame);
        } catch (BadRequestException e) {
            send(Wire.errorFrame(e.requestId, ChatError.of(ErrorCodes.BAD_REQUEST, e.getMessage(), false)));
            return;
        }
        String id = request.id();
        if (refusedSlot(id)) {
            return;
        }
        boolean whole = !request.stream() || settings.testMode();
        Inflight entry = new Inflight();
        inflight.put(id, entry); // reserved before run: run may end the request synchronously
        try {
            ChatHandle handle;
            if (whole) {
                handle = pipeline.run(request, origin, new Events(id));
            } else {
                String logId = ChatPipeline.newLogId();
                FrameBuffer buffer = resumable.open(logId, Identity.signedIn(origin.identity()), context);
                entry.pump = FramePump.start(buffer, new SocketOutput(id, logId, entry), 0);
                handle = pipeline.run(request, origin, logId, new AnswerFrames(buffer));
                resumable.cancelWith(buffer, handle::cancel);
            }
            entry.handle = handle;
        } catch (RuntimeException e) {
            // A bug must not cost the socket its slot for good, nor leave the client waiting.
            log.atError().addKeyValue("request_id", id).setCause(e).log("request failed unexpectedly");
            if (inflight.remove(id, entry)) { // else run already sent this request's last frame
                send(Wire.errorFrame(id, ClientErrors.internal()));
            }
        }
    }

    /** Whether request {@code id} may not take a slot (told to the client): already in flight, or too many. */
    private boolean refusedSlot(String id) {
        if (inflight.containsKey(id)) {
            send(Wire.errorFrame(id, ChatError.of(ErrorCodes.BAD_REQUEST,
                    "request id " + id + " is already in flight on this socket", false)));
            return true;
        }
        int limit = settings.maxInflightPerSocket();
        if (inflight.size() >= limit) {
            send(Wire.errorFrame(id, ChatError.of(ErrorCodes.TOO_MANY_REQUESTS, "at most " + limit
                    + " requests may be in flight on one socket; wait for an end or error frame", true)));
            return true;
        }
        return false;
    }

    /**
     * {@code {"type":"resume","id"?,"log_id","after"?}}: the answer's frames after seq {@code after},
     * tagged with this frame's id, then its live rest; it takes a slot like a request, and a stop
     * with its id stops the answer. Once its frames are gone: an {@code answer} frame from the chat
     * log, or {@code resume_expired}.
     */
    private void resume(ResumeRequest r) {
        if (refusedSlot(r.id())) {
            return;
        }
        Inflight entry = new Inflight();
        inflight.put(r.id(), entry);
        String caller = Identity.signedIn(origin.identity());
        Resumption.find(pipeline, resumable, r, caller, RequestOrigin.WS_NATIVE, new Resumption.Outcome() {
            @Override
            public void frames(FrameBuffer buffer) {
                if (inflight.get(r.id()) != entry) {
                    return; // the socket closed meanwhile: do not take the answer from another reader
                }
                FramePump pump = FramePump.start(buffer, new SocketOutput(r.id(), r.logId(), entry), r.after());
                entry.pump = pump;
                entry.handle = new ChatHandle() {
                    @Override
                    public void cancel() {
                        pump.stop();
                    }

                    @Override
                    public void stop() {
                        pipeline.stopAnywhere(r.logId(), caller);
                    }
                };
            }

            @Override
            public void record(ChatRecord record) {
                if (inflight.remove(r.id(), entry)) {
                    send(Wire.fromLog(r.id(), record));
                }
            }

            @Override
            public void error(ChatError error) {
                if (inflight.remove(r.id(), entry)) {
                    send(Wire.errorFrame(r.id(), error));
                }
            }
        });
    }

    /** {@code {"type":"stop","id":…}}: the request ends with an {@code end} frame of status {@code stopped}. */
    private void stop(JsonObject frame) throws BadRequestException {
        String id = RequestParser.id(frame);
        if (id == null) {
            throw BadRequestException.field(null, "a stop frame needs the id of the request to stop");
        }
        Inflight entry = inflight.get(id);
        if (entry == null) {
            // Also what a stop that crossed the request's end frame gets: the client may ignore it.
            send(Wire.errorFrame(id, ChatError.of(ErrorCodes.NOT_FOUND, "request " + id
                    + " is not in flight on this socket (it may have just ended)", false)));
            return;
        }
        entry.handle.stop();
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

    /** Replies left unread too long: every request of the socket is cancelled. */
    private void cancelAll() {
        List<Inflight> entries = new ArrayList<>(inflight.values());
        inflight.clear();
        entries.forEach(e -> e.handle.cancel());
    }

    /** The socket closed: its streams wait for a resume (the window), its whole answers are cancelled. */
    private void leaveAll() {
        List<Inflight> entries = new ArrayList<>(inflight.values());
        inflight.clear();
        for (Inflight e : entries) {
            if (e.pump != null) {
                e.pump.stop();
            } else {
                e.handle.cancel();
            }
        }
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

    /** A streaming answer's frames, copied to this socket and tagged with the request's (or resume's) id. */
    private final class SocketOutput implements FramePump.Output {
        private final String id;
        private final String logId;
        private final Inflight entry;
        private final TokenFrame tokenFrame;

        SocketOutput(String id, String logId, Inflight entry) {
            this.id = id;
            this.logId = logId;
            this.entry = entry;
            this.tokenFrame = Wire.tokenFrame(id);
        }

        @Override
        public Context context() {
            return context;
        }

        @Override
        public boolean writeQueueFull() {
            return drain.writeQueueFull();
        }

        @Override
        public void drainHandler(Handler<Void> handler) {
            drain.await(handler);
        }

        @Override
        public void write(Frame frame) {
            if (frame.last()) {
                inflight.remove(id, entry);
            }
            send(frame.text() != null ? tokenFrame.render(frame.seq(), frame.text()) : frame.toClient(id).encode());
        }

        @Override
        public void lost(long afterSeq) {
            if (inflight.remove(id, entry)) {
                send(Wire.errorFrame(id, Resumption.lost(logId, afterSeq)));
            }
        }

        @Override
        public void replaced() {
            inflight.remove(id, entry); // resumed on another connection: it reads the answer now
        }
    }

    /** A whole-answer request's one frame ({@code answer} or {@code error}, seq 1), tagged with its id. */
    private final class Events implements ChatEvents {
        private final String id;

        Events(String id) {
            this.id = id;
        }

        @Override
        public void onStart(String logId) {}

        @Override
        public void onSources(List<Passage> passages) {}

        @Override
        public void onToken(String text) {}

        @Override
        public void onEnd(EndInfo end) {
            inflight.remove(id);
            send(Wire.answer("answer", id, end).put("seq", 1));
        }

        @Override
        public void onError(ChatError error) {
            inflight.remove(id);
            send(Wire.errorFrame(id, error).put("seq", 1));
        }

        @Override
        public boolean writeQueueFull() {
            return false;
        }

        @Override
        public void drainHandler(Handler<Void> handler) {}
    }
}
