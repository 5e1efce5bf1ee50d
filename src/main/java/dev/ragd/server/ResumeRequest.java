package dev.ragd.server;

import io.vertx.core.json.JsonObject;
import java.util.UUID;

/**
 * A resume of a streaming answer: the frames of answer {@code logId} after seq {@code after}, then
 * its live rest. From the native frame {@code {"type":"resume","id"?,"log_id","after"?}} or from
 * {@code GET /v1/chat/{log_id}/events?after=} (or its {@code Last-Event-ID} header).
 *
 * @param id    the frame's request id (made when the frame has none), carried by the frames sent
 * @param logId the answer's {@code log_id}, from its {@code start} frame
 * @param after the seq of the last frame the client has (0: none)
 */
record ResumeRequest(String id, String logId, long after) {

    /** Larger than any answer's frame count, small enough to be exact in a JavaScript number. */
    static final long MAX_SEQ = 1L << 40;

    static ResumeRequest parse(JsonObject o) throws BadRequestException {
        String given = RequestParser.id(o);
        String id = given != null ? given : UUID.randomUUID().toString();
        Object logId = o.getValue("log_id");
        if (logId == null) {
            throw BadRequestException.field(given, "resume needs the log_id of the answer (from its start frame)");
        }
        String checked;
        try {
            checked = RequestParser.logId(logId instanceof String s ? s : null, "log_id");
        } catch (BadRequestException e) {
            throw BadRequestException.field(given, e.getMessage());
        }
        Object after = o.getValue("after");
        if (after == null) {
            return new ResumeRequest(id, checked, 0);
        }
        if (!(after instanceof Integer || after instanceof Long) || ((Number) after).longValue() < 0
                || ((Number) after).longValue() > MAX_SEQ) {
            throw BadRequestException.field(given, "after must be the seq of the last frame received: a whole number"
                    + " from 0 to " + MAX_SEQ);
        }
        return new ResumeRequest(id, checked, ((Number) after).longValue());
    }

    /** {@code after} from a query parameter or a {@code Last-Event-ID} header ({@code null}: 0). */
    static long after(String value, String where) throws BadRequestException {
        if (value == null || value.isEmpty()) {
            return 0;
        }
        if (value.length() > 13 || !value.chars().allMatch(c -> c >= '0' && c <= '9')
                || Long.parseLong(value) > MAX_SEQ) {
            throw BadRequestException.field(null, where + " must be the seq of the last event received: a whole"
                    + " number from 0 to " + MAX_SEQ);
        }
        return Long.parseLong(value);
    }
}
