package dev.ragd.server;

import dev.ragd.auth.Identity;
import dev.ragd.chat.ChatError;
import dev.ragd.chat.ChatPipeline;
import dev.ragd.chat.ErrorCodes;
import dev.ragd.chat.RequestOrigin;
import dev.ragd.chatlog.ChatRecord;
import dev.ragd.resume.FrameBuffer;
import dev.ragd.resume.FramePump;
import dev.ragd.resume.ResumableAnswers;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /v1/chat/{log_id}/events?after=<seq>} (or with {@code Last-Event-ID}, which an
 * {@code EventSource} sends when it reconnects, and which wins): the event stream of a streaming
 * answer after that seq, then its live rest, as {@code POST /v1/chat} streams it. Once the answer's
 * frames are gone: a one-event stream with its finished {@code answer} from the chat log, or
 * {@code 410 resume_expired} (an {@code EventSource} does not reconnect after a non-200).
 */
final class ResumeRoute implements Handler<RoutingContext> {

    static final String PATH = "/v1/chat/:logId/events";

    /** Whether {@code path} is this route's. */
    static boolean matches(String path) {
        return path.startsWith("/v1/chat/") && path.endsWith("/events");
    }

    private final ChatPipeline pipeline;
    private final ServerSettings settings;
    private final ResumableAnswers resumable;

    ResumeRoute(ChatPipeline pipeline, ServerSettings settings, ResumableAnswers resumable) {
        this.pipeline = pipeline;
        this.settings = settings;
        this.resumable = resumable;
    }

    @Override
    public void handle(RoutingContext ctx) {
        ResumeRequest request;
        try {
            String logId = RequestParser.logId(ctx.pathParam("logId"), "the path");
            String lastEventId = ctx.request().getHeader("last-event-id");
            long after = lastEventId != null ? ResumeRequest.after(lastEventId, "Last-Event-ID")
                    : ResumeRequest.after(ctx.request().getParam("after"), "after");
            String id = ctx.request().getParam("id");
            request = new ResumeRequest(id == null || id.isEmpty() ? logId : RequestParser.id(
                    new io.vertx.core.json.JsonObject().put("id", id)), logId, after);
        } catch (BadRequestException e) {
            HttpChat.sendError(ctx.response(), ChatError.of(ErrorCodes.BAD_REQUEST, e.getMessage(), false));
            return;
        }
        String caller = Identity.signedIn(ctx.get(Admission.IDENTITY));
        Resumption.find(pipeline, resumable, request, caller, RequestOrigin.HTTP, new Resumption.Outcome() {
            @Override
            public void frames(FrameBuffer buffer) {
                if (ctx.response().closed()) {
                    return;
                }
                SseStream sse = new SseStream(request.id(), request.logId(), ctx.response(), settings);
                sse.begin();
                FramePump pump = FramePump.start(buffer, sse, request.after());
                sse.onStall(() -> {
                    pump.stop();
                    HardClose.http(ctx.request().connection());
                });
                ctx.response().closeHandler(v -> pump.stop());
            }

            @Override
            public void record(ChatRecord record) {
                SseStream sse = new SseStream(request.id(), request.logId(), ctx.response(), settings);
                sse.event("answer", Wire.fromLog(request.id(), record).encode());
                sse.end();
            }

            @Override
            public void error(ChatError error) {
                HttpChat.sendError(ctx.response(), error);
            }
        });
    }
}
