package dev.ragd.server;

import dev.ragd.auth.Identity;
import dev.ragd.chat.ChatError;
import dev.ragd.chat.ChatPipeline;
import dev.ragd.chat.ErrorCodes;
import dev.ragd.chat.RequestOrigin;
import io.vertx.core.AsyncResult;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /v1/feedback} {@code {"log_id", "rating":"up"|"down", "reason"?, "categories"?}}: keeps
 * a rating on a finished answer's chat-log record (the last rating wins). {@code 200} with
 * {@code {"log_id","rating","status":"recorded"}}; {@code 400 bad_request} naming the field;
 * {@code 404 not_found} when no finished answer has that id for this caller (with authentication on,
 * only who asked may rate); {@code 501 not_supported} with {@code RAGD_CHATLOG=none};
 * {@code 503 chatlog_unavailable} when the store is down. The native socket's {@code feedback}
 * frame gets the same answers as frames ({@link #outcome}).
 */
final class FeedbackRoute implements Handler<RoutingContext> {

    static final String PATH = "/v1/feedback";
    /** Room for the longest reason, JSON-escaped, and every other field at its limit. */
    static final int MAX_BODY_BYTES = 8 * 1024;
    private static final Logger log = LoggerFactory.getLogger(FeedbackRoute.class);

    private final ChatPipeline pipeline;

    FeedbackRoute(ChatPipeline pipeline) {
        this.pipeline = pipeline;
    }

    @Override
    public void handle(RoutingContext ctx) {
        FeedbackRequest request;
        try {
            String body = StrictUtf8.decode(ctx.body());
            if (body == null || body.isBlank()) {
                throw BadRequestException.field(null, "the request body is empty; send {\"log_id\":…,\"rating\":\"up\"|\"down\"}");
            }
            request = FeedbackRequest.parse(RequestParser.object(body));
        } catch (BadRequestException e) {
            HttpChat.sendError(ctx.response(), ChatError.of(ErrorCodes.BAD_REQUEST, e.getMessage(), false));
            return;
        }
        String caller = Identity.signedIn(ctx.get(Admission.IDENTITY));
        Admission.onContext(pipeline.rate(request.logId(), caller, request.feedback(), RequestOrigin.HTTP), ar -> {
            ChatError error = outcome(request, ar);
            if (error != null) {
                HttpChat.sendError(ctx.response(), error);
                return;
            }
            ctx.response().setStatusCode(200).putHeader("content-type", HttpChat.JSON)
                    .putHeader("cache-control", "no-store").end(recorded(request).encode());
        });
    }

    /** What a kept rating is answered with (the frame adds its type and id). */
    static JsonObject recorded(FeedbackRequest request) {
        return new JsonObject().put("log_id", request.logId()).put("rating", request.feedback().rating().name())
                .put("status", "recorded");
    }

    /** The error a rating's outcome is answered with, or {@code null} when it was kept. */
    static ChatError outcome(FeedbackRequest request, AsyncResult<Boolean> ar) {
        if (ar.succeeded()) {
            return ar.result() ? null : ChatError.of(ErrorCodes.NOT_FOUND, "no finished answer " + request.logId()
                    + " for this caller (an answer can be rated once its end frame has come)", false);
        }
        if (ar.cause() instanceof UnsupportedOperationException e) {
            return ChatError.of(ErrorCodes.NOT_SUPPORTED, e.getMessage(), false);
        }
        log.atWarn().addKeyValue("log_id", request.logId()).addKeyValue("error", ar.cause().toString())
                .log("feedback not kept: the chat-log store failed");
        return ChatError.of(ErrorCodes.CHATLOG_UNAVAILABLE, "the rating could not be stored just now; try again", true);
    }
}
