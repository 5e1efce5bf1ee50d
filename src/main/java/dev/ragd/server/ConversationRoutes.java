package dev.ragd.server;

import dev.ragd.auth.Identity;
import dev.ragd.chat.ChatError;
import dev.ragd.chat.Conversations;
import dev.ragd.chat.ErrorCodes;
import dev.ragd.chatlog.ChatRecord;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The caller's server-kept conversations: {@code GET /v1/conversations?limit=&after=} lists them
 * (newest started first; {@code next} names the page's last when there may be more),
 * {@code GET /v1/conversations/{id}?limit=} returns one's latest turns oldest first, and
 * {@code DELETE /v1/conversations/{id}} deletes all of its turns. The caller is the signed-in identity
 * with authentication on; without it, the {@code user_email} query parameter (none: every user's).
 * Another user's conversation is {@code 404 not_found}, as a missing one; {@code 400} names a bad
 * parameter; {@code 501 not_supported} with {@code RAGD_CHATLOG=none}; {@code 503} when the store fails.
 */
final class ConversationRoutes {

    static final String LIST = "/v1/conversations";
    static final String ONE = "/v1/conversations/:id";
    static final int DEFAULT_PAGE = 20;
    static final int DEFAULT_TURNS = 100;
    /** How much of a first question a list shows as the conversation's title. */
    static final int TITLE_CHARS = 120;
    private static final Logger log = LoggerFactory.getLogger(ConversationRoutes.class);

    private final Conversations conversations;

    ConversationRoutes(Conversations conversations) {
        this.conversations = conversations;
    }

    static boolean matches(String path) {
        return path.equals(LIST) || path.startsWith(LIST + "/");
    }

    void mount(Router router) {
        router.get(LIST).handler(this::list);
        router.get(ONE).handler(this::one);
        router.delete(ONE).handler(this::delete);
    }

    private void list(RoutingContext ctx) {
        try {
            int limit = limit(ctx, DEFAULT_PAGE, Conversations.MAX_PAGE);
            String after = ctx.queryParams().get("after");
            if (after != null) {
                after = RequestParser.logId(after, "after");
            }
            reply(ctx, conversations.list(caller(ctx), limit, after), page -> {
                JsonArray items = new JsonArray();
                page.conversations().forEach(c -> items.add(new JsonObject().put("conversation_id", c.id())
                        .put("title", title(c.first().userQuestion())).put("started_at", c.first().timestamp().toString())));
                return new JsonObject().put("conversations", items).put("next", page.next());
            });
        } catch (BadRequestException e) {
            HttpChat.sendError(ctx.response(), ChatError.of(ErrorCodes.BAD_REQUEST, e.getMessage(), false));
        }
    }

    private void one(RoutingContext ctx) {
        try {
            String id = RequestParser.logId(ctx.pathParam("id"), "the path");
            int limit = limit(ctx, DEFAULT_TURNS, Conversations.MAX_TURNS);
            reply(ctx, conversations.turns(id, caller(ctx), limit), found -> found.map(t -> {
                JsonArray turns = new JsonArray();
                t.turns().forEach(r -> turns.add(turn(r)));
                return new JsonObject().put("conversation_id", t.id()).put("turns", turns).put("more", t.more());
            }).orElse(null), id);
        } catch (BadRequestException e) {
            HttpChat.sendError(ctx.response(), ChatError.of(ErrorCodes.BAD_REQUEST, e.getMessage(), false));
        }
    }

    private void delete(RoutingContext ctx) {
        try {
            String id = RequestParser.logId(ctx.pathParam("id"), "the path");
            reply(ctx, conversations.delete(id, caller(ctx)), n -> n == 0 ? null
                    : new JsonObject().put("conversation_id", id).put("deleted", n), id);
        } catch (BadRequestException e) {
            HttpChat.sendError(ctx.response(), ChatError.of(ErrorCodes.BAD_REQUEST, e.getMessage(), false));
        }
    }

    static JsonObject turn(ChatRecord r) {
        JsonObject o = new JsonObject().put("log_id", r.id()).put("question", r.userQuestion())
                .put("answer", r.finalAnswer()).put("status", r.status().name()).put("at", r.timestamp().toString());
        if (r.feedback() != null) {
            o.put("feedback", new JsonObject().put("rating", r.feedback().rating().name()));
        }
        return o;
    }

    static String title(String question) {
        String oneLine = question.strip().replaceAll("\\s+", " ");
        return oneLine.length() <= TITLE_CHARS ? oneLine : oneLine.substring(0, TITLE_CHARS - 1) + "…";
    }

    private static String caller(RoutingContext ctx) {
        String signedIn = Identity.signedIn(ctx.get(Admission.IDENTITY));
        if (signedIn != null) {
            return signedIn;
        }
        String email = ctx.queryParams().get("user_email");
        return email == null || email.isBlank() ? null : email.strip();
    }

    private static int limit(RoutingContext ctx, int dflt, int max) throws BadRequestException {
        String raw = ctx.queryParams().get("limit");
        if (raw == null) {
            return dflt;
        }
        try {
            int n = Integer.parseInt(raw);
            if (n >= 1 && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // named below
        }
        throw BadRequestException.field(null, "limit must be a whole number from 1 to " + max);
    }

    private static <T> void reply(RoutingContext ctx, Future<T> result, Function<T, JsonObject> body) {
        reply(ctx, result, body, null);
    }

    /** Answers {@code 200} with the body, {@code 404} when it is {@code null} (for conversation {@code id}). */
    private static <T> void reply(RoutingContext ctx, Future<T> result, Function<T, JsonObject> body, String id) {
        Admission.onContext(result, ar -> {
            ChatError error = failure(ar);
            JsonObject json = error == null ? body.apply(ar.result()) : null;
            if (error == null && json == null) {
                error = ChatError.of(ErrorCodes.NOT_FOUND, "no conversation " + id + " for this caller", false);
            }
            if (error != null) {
                HttpChat.sendError(ctx.response(), error);
                return;
            }
            ctx.response().setStatusCode(200).putHeader("content-type", HttpChat.JSON)
                    .putHeader("cache-control", "no-store").end(json.encode());
        });
    }

    private static ChatError failure(AsyncResult<?> ar) {
        if (ar.succeeded()) {
            return null;
        }
        if (ar.cause() instanceof IllegalArgumentException e) {
            return ChatError.of(ErrorCodes.BAD_REQUEST, e.getMessage(), false);
        }
        if (ar.cause() instanceof UnsupportedOperationException e) {
            return ChatError.of(ErrorCodes.NOT_SUPPORTED, e.getMessage(), false);
        }
        log.atWarn().addKeyValue("error", ar.cause().toString()).log("conversation request failed: the chat-log store failed");
        return ChatError.of(ErrorCodes.CHATLOG_UNAVAILABLE, "the chat log cannot be read just now; try again", true);
    }
}
