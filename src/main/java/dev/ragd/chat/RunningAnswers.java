package dev.ragd.chat;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The answers this replica is generating, by chat-log id, with who asked: what
 * {@code POST /v1/chat/{log_id}/stop} finds. An answer is here from admission until its record is
 * written. Thread-safe.
 */
final class RunningAnswers {

    private record Running(ChatHandle handle, String owner) {}

    private final Map<String, Running> byLogId = new ConcurrentHashMap<>();

    /** @param owner the authenticated user who asked, or {@code null} when nobody signed in */
    void add(String logId, String owner, ChatHandle handle) {
        byLogId.put(logId, new Running(handle, owner));
    }

    void remove(String logId) {
        byLogId.remove(logId);
    }

    /**
     * Stops the answer {@code logId} for {@code caller} (the authenticated user asking, or
     * {@code null}): true when it runs here and the caller may stop it, that is, the caller is who
     * asked, or nobody signed in for it. An answer asked by a signed-in user is stopped by that user only.
     */
    boolean stop(String logId, String caller) {
        Running r = byLogId.get(logId);
        if (r == null || (r.owner() != null && !Objects.equals(r.owner(), caller))) {
            return false;
        }
        r.handle().stop();
        return true;
    }
}
