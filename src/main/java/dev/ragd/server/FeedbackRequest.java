package dev.ragd.server;

import dev.ragd.chatlog.Feedback;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A rating of one answer, as {@code POST /v1/feedback} and the native {@code feedback} frame send
 * it: {@code {"log_id", "rating":"up"|"down", "reason"?, "categories"?:[…]}}, plus the frame's
 * correlation {@code id}. Fields other than these are ignored.
 *
 * @param id       the frame's correlation id, or {@code null} (always null over HTTP)
 * @param logId    the answer's {@code log_id}, from its {@code start} or {@code end} frame
 * @param feedback the rating, timed now
 */
record FeedbackRequest(String id, String logId, Feedback feedback) {

    static FeedbackRequest parse(JsonObject o) throws BadRequestException {
        String id = RequestParser.id(o);
        Object logId = o.getValue("log_id");
        if (logId == null) {
            throw BadRequestException.field(id, "feedback needs the log_id of the answer it rates");
        }
        String checkedLogId;
        try {
            checkedLogId = RequestParser.logId(logId instanceof String s ? s : null, "log_id");
        } catch (BadRequestException e) {
            throw BadRequestException.field(id, e.getMessage());
        }
        Feedback.Rating rating;
        Object r = o.getValue("rating");
        if ("up".equals(r) || "down".equals(r)) {
            rating = Feedback.Rating.valueOf((String) r);
        } else {
            throw BadRequestException.field(id, "rating must be \"up\" or \"down\"");
        }
        String reason = null;
        Object rawReason = o.getValue("reason");
        if (rawReason != null) {
            if (!(rawReason instanceof String s)) {
                throw BadRequestException.field(id, "reason must be a string");
            }
            if (!readable(s)) {
                throw BadRequestException.field(id, "reason must not contain control characters (other than"
                        + " line breaks and tabs) or unpaired surrogates (UTF-16 halves)");
            }
            reason = s;
        }
        try {
            return new FeedbackRequest(id, checkedLogId, new Feedback(rating, reason, categories(o, id), Instant.now()));
        } catch (IllegalArgumentException e) {
            throw BadRequestException.field(id, e.getMessage());
        }
    }

    private static List<String> categories(JsonObject o, String id) throws BadRequestException {
        Object raw = o.getValue("categories");
        if (raw == null) {
            return List.of();
        }
        if (!(raw instanceof JsonArray array)) {
            throw BadRequestException.field(id, "categories must be an array of strings");
        }
        if (array.size() > Feedback.MAX_CATEGORIES) {
            // checked before copying: a huge array must not cost more than the answer
            throw BadRequestException.field(id, "categories must hold at most " + Feedback.MAX_CATEGORIES
                    + " values, got " + array.size());
        }
        List<String> out = new ArrayList<>();
        for (Object c : array) {
            if (!(c instanceof String s)) {
                throw BadRequestException.field(id, "categories must be an array of strings");
            }
            out.add(s);
        }
        return out;
    }

    /** Text a person typed: no control character but line breaks and tabs, no surrogate out of its pair. */
    private static boolean readable(String s) {
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            boolean layout = cp == '\n' || cp == '\r' || cp == '\t';
            if (!layout && Character.isISOControl(cp) || Character.getType(cp) == Character.SURROGATE) {
                return false;
            }
            i += Character.charCount(cp);
        }
        return true;
    }
}
