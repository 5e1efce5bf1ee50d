package dev.ragd.chat;

import dev.ragd.chatlog.ChatLog;
import dev.ragd.chatlog.ChatLogQuery;
import dev.ragd.chatlog.ChatRecord;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Server-kept conversations, read from the chat log: a conversation is the records that share its
 * {@code conversation_id}, named by its first turn. Every method is for one caller ({@code user}:
 * the signed-in identity, or the email a client without authentication gave, or {@code null} for
 * every user's) and runs on the chat-log workers; another user's conversation is not told apart from
 * a missing one.
 */
public final class Conversations {

    /** The most turns one read returns. */
    public static final int MAX_TURNS = 500;
    /** The most conversations one page lists. */
    public static final int MAX_PAGE = 100;

    /** One conversation as a list shows it: its first question is its title. */
    public record Summary(String id, ChatRecord first) {}

    /** A page of conversations, newest first; {@code next} continues after the last, or is {@code null}. */
    public record Page(List<Summary> conversations, String next) {}

    /** A conversation's latest turns, oldest first; {@code more} when older turns were left out. */
    public record Turns(String id, List<ChatRecord> turns, boolean more) {}

    private final ChatLog log;
    private final WorkerExecutor workers;

    Conversations(ChatLog log, WorkerExecutor workers) {
        this.log = log;
        this.workers = workers;
    }

    /**
     * The caller's conversations, newest started first, {@code limit} at a time, after the
     * conversation {@code after} (the previous page's {@code next}); fails with
     * {@link IllegalArgumentException} when {@code after} is no conversation of the caller's.
     */
    public Future<Page> list(String user, int limit, String after) {
        return workers.executeBlocking(() -> {
            kept();
            ChatLogQuery q = ChatLogQuery.all(limit + 1).withUser(user).openersOnly();
            if (after != null) {
                ChatRecord last = log.getFor(after, user).filter(r -> after.equals(r.conversationId()))
                        .orElseThrow(() -> new IllegalArgumentException("after names no conversation of this user's: "
                                + after + " (use the next of the previous page)"));
                q = q.after(last);
            }
            List<ChatRecord> found = log.find(q);
            List<Summary> page = found.stream().limit(limit).map(r -> new Summary(r.id(), r)).toList();
            return new Page(page, found.size() > limit ? page.getLast().id() : null);
        }, false);
    }

    /** The latest {@code limit} turns of conversation {@code id}, oldest first; empty when the caller has none. */
    public Future<Optional<Turns>> turns(String id, String user, int limit) {
        return workers.executeBlocking(() -> {
            kept();
            List<ChatRecord> newest = latest(id, user, limit + 1);
            if (newest.isEmpty()) {
                return Optional.empty();
            }
            List<ChatRecord> oldestFirst = new ArrayList<>(newest.subList(0, Math.min(limit, newest.size())));
            java.util.Collections.reverse(oldestFirst);
            return Optional.of(new Turns(id, oldestFirst, newest.size() > limit));
        }, false);
    }

    /** Deletes the caller's turns of conversation {@code id}; how many (0: the caller has no such conversation). */
    public Future<Long> delete(String id, String user) {
        return workers.executeBlocking(() -> log.deleteConversation(id, user), false);
    }

    /** False with {@code RAGD_CHATLOG=none}: a request then starts no conversation and may continue none. */
    boolean available() {
        return log.keepsRecords();
    }

    private void kept() {
        if (!log.keepsRecords()) {
            throw new UnsupportedOperationException(dev.ragd.chatlog.NoChatLog.NO_CONVERSATIONS);
        }
    }

    /** The latest {@code n} turns of a conversation, newest first; run on a chat-log worker. */
    List<ChatRecord> latest(String id, String user, int n) {
        return log.find(ChatLogQuery.all(n).withUser(user).withConversation(id));
    }

    /**
     * Reads the caller's latest {@code turns} (at least one, to know the conversation is the caller's)
     * of the request's conversation, then, on {@code context},
     * runs the request with them as its history ({@link ConversationTurns#withHistory}); a
     * conversation with no turn of this caller's is refused as {@code not_found}, an unreadable store
     * as a retryable {@code chatlog_unavailable}. A cancel before the read ends means it never runs.
     */
    ChatHandle continueWith(ChatRequest request, String user, int turns, int maxHistoryChars, Context context,
            Function<ChatRequest, ChatHandle> run, Consumer<ChatError> refuse) {
        String conversation = request.conversationId();
        PendingHandle pending = new PendingHandle();
        workers.executeBlocking(() -> latest(conversation, user, Math.max(1, turns)), false).onComplete(ar -> context.runOnContext(v -> {
            if (!pending.mayStart()) {
                return;
            }
            if (ar.failed()) {
                refuse.accept(new ChatError(ErrorCodes.CHATLOG_UNAVAILABLE,
                        "The conversation could not be read from the chat log; please try again shortly.", true, 2_000L));
            } else if (ar.result().isEmpty()) {
                refuse.accept(ChatError.of(ErrorCodes.NOT_FOUND, "no conversation " + conversation
                        + " for this user (conversation_id names a conversation this user had)", false));
            } else {
                pending.started(run.apply(request.withMessages(
                        ConversationTurns.withHistory(ar.result().subList(0, Math.min(turns, ar.result().size())),
                                request.messages(), maxHistoryChars))));
            }
        }));
        return pending;
    }
}
