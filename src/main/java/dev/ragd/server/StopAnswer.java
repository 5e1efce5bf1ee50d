package dev.ragd.server;

import dev.ragd.auth.Identity;
import dev.ragd.chat.ChatError;
import dev.ragd.chat.ChatPipeline;
import dev.ragd.chat.ErrorCodes;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code POST /v1/chat/{log_id}/stop}: stops an answer being generated, named by the {@code log_id}
 * of its {@code start} frame, on this replica or (with {@code RAGD_REDIS_URL}) on the one
 * generating it. Answered {@code 202} when it runs for this caller (the client that asked then gets
 * its {@code end} with status {@code stopped}), else {@code 404 not_found}: an answer asked by a
 * signed-in user is stopped only by that user, and one that ended is not found.
 */
final class StopAnswer implements Handler<RoutingContext> {

    static final String PATH = "/v1/chat/:logId/stop";

    private final ChatPipeline pipeline;

    StopAnswer(ChatPipeline pipeline) {
        this.pipeline = pipeline;
    }

    @Override
    public void handle(RoutingContext ctx) {
        String logId;
        try {
            logId = RequestParser.logId(ctx.pathParam("logId"), "the path");
        } catch (BadRequestException e) {
            HttpChat.sendError(ctx.response(), ChatError.of(ErrorCodes.BAD_REQUEST, e.getMessage(), false));
            return;
        }
        String caller = Identity.signedIn(ctx.get(Admission.IDENTITY));
        Admission.onContext(pipeline.stopAnywhere(logId, caller), ar -> {
            if (ar.failed() || !ar.result()) {
                HttpChat.sendError(ctx.response(), ChatError.of(ErrorCodes.NOT_FOUND, "no answer " + logId
                        + " is being generated for this caller (it may have ended)", false));
                return;
            }
            ctx.response().setStatusCode(202).putHeader("content-type", HttpChat.JSON)
                    .putHeader("cache-control", "no-store")
                    .end(new JsonObject().put("log_id", logId).put("status", "stopping").encode());
        });
    }
}
