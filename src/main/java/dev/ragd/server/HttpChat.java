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
import dev.ragd.auth.Identity;
import dev.ragd.resume.FrameBuffer;
import dev.ragd.resume.FramePump;
import dev.ragd.resume.ResumableAnswers;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/**
 * {@code POST /v1/chat}: the native request as a JSON body, answered as a {@code text/event-stream}
 * of the native frames ({@code event: <type>}, {@code data: <json>}) or, with {@code "stream": false}
 * or in test mode, as one JSON body. Errors before the stream starts are JSON
 * {@code {"error": {...}}} with a status code. A client that leaves a stream leaves the answer
 * running for the resume window ({@link ResumeRoute}); one that leaves a whole answer cancels it.
 */
final class HttpChat implements Handler<RoutingContext> {

    static final String JSON = "application/json; charset=utf-8";

    private final ChatPipeline pipeline;
    private final ServerSettings settings;
    private final ResumableAnswers resumable;

    HttpChat(ChatPipeline pipeline, ServerSettings settings, ResumableAnswers resumable) {
        this.pipeline = pipeline;
        this.settings = settings;
        this.resumable = resumable;
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
        RequestOrigin origin = Admission.origin(ctx, RequestOrigin.HTTP);
        if (!request.stream() || settings.testMode()) {
            ChatHandle handle = pipeline.run(request, origin, new JsonEvents(request.id(), response));
            if (!response.ended()) { // a request refused at once (question too long) has already been answered
                response.closeHandler(v -> handle.cancel());
            }
            return;
        }
        String logId = ChatPipeline.newLogId();
        FrameBuffer buffer = resumable.open(logId, Identity.signedIn(origin.identity()), Vertx.currentContext());
        SseStream sse = new SseStream(request.id(), logId, response, settings);
        FramePump pump = FramePump.start(buffer, sse, 0);
        ChatHandle handle = pipeline.run(request, origin, logId, new AnswerFrames(buffer));
        resumable.cancelWith(buffer, handle::cancel);
        // A client that leaves the stream unread past the bound: the run is cancelled (and logged),
        // and the connection dropped with what it has not read.
        sse.onStall(() -> {
            handle.cancel();
            HardClose.http(ctx.request().connection());
        });
        if (!response.ended()) {
            // A client that goes away leaves the answer running for the resume window (GET …/events).
            response.closeHandler(v -> pump.stop());
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
}
