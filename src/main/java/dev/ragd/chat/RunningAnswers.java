package dev.ragd.chat;

import dev.ragd.answers.AnswerDirectory;
import io.vertx.core.Future;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The answers this replica is generating, by chat-log id, with who asked and when each is over:
 * what {@code POST /v1/chat/{log_id}/stop} finds and what a shutdown waits for. An answer is here
 * from admission until its record is written. Thread-safe.
 */
final class RunningAnswers {

    private record Running(ChatHandle handle, String owner, Future<Void> ending, Future<Void> finished) {}

    private final Map<String, Running> byLogId = new ConcurrentHashMap<>();

    /**
     * Keeps {@code handle} until {@code finished} completes; once {@code ending} completes (its client
     * is being told the end, perhaps on another event loop than a stop's) it can no longer be stopped.
     *
     * @param owner the authenticated user who asked, or {@code null} when nobody signed in
     */
    void add(String logId, String owner, ChatHandle handle, Future<Void> ending, Future<Void> finished) {
        byLogId.put(logId, new Running(handle, owner, ending, finished));
        finished.onComplete(ar -> byLogId.remove(logId));
    }

    /** Cancels every answer running here (a shutdown's grace ran out; their clients may have gone). */
    void cancelAll() {
        byLogId.values().forEach(r -> r.handle().cancel());
    }

    /** When each answer running now is over. */
    List<Future<Void>> finishing() {
        return byLogId.values().stream().map(Running::finished).toList();
    }

    /**
     * Stops the answer {@code logId} for {@code caller} (the authenticated user asking, or
     * {@code null}): true when it runs here and the caller may stop it ({@link AnswerDirectory#mayStop}).
     */
    boolean stop(String logId, String caller) {
        Running r = byLogId.get(logId);
        if (r == null || r.ending().isComplete() || !AnswerDirectory.mayStop(r.owner(), caller)) {
            return false;
        }
        r.handle().stop();
        return true;
    }
}
