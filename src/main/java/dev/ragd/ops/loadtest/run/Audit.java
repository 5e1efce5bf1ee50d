package dev.ragd.ops.loadtest.run;

import dev.ragd.chatlog.ChatLog;
import dev.ragd.chatlog.ChatRecord;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The durability check of a rehearsal: every answer whose {@code end} frame a simulated user
 * received (the locustfile's {@code --ragd-ends} files, {@link Ends}) must be in the chat log
 * exactly once, as a completed record.
 *
 * @param received       end frames received (lines in the ends files)
 * @param missing        received answers with no record
 * @param duplicated     received answers with more than one record, or received twice
 * @param notCompleted   received answers whose record is not {@code completed}
 * @param recordsByStatus every record in the log, by status
 * @param examples       up to five log ids that failed the check, for the report
 */
public record Audit(long received, long missing, long duplicated, long notCompleted, Map<String, Long> recordsByStatus,
        List<String> examples) {

    public boolean passed() {
        return missing == 0 && duplicated == 0 && notCompleted == 0;
    }

    public long records() {
        return recordsByStatus.values().stream().mapToLong(Long::longValue).sum();
    }

    static Audit of(List<String> received, ChatLog log) {
        return of(received, log, r -> {});
    }

    /** As {@link #of(List, ChatLog)}, handing every record to {@code each} too (one pass over the log). */
    static Audit of(List<String> received, ChatLog log, Consumer<ChatRecord> each) {
        Map<String, Integer> copies = new HashMap<>();
        Map<String, String> status = new HashMap<>();
        Map<String, Long> byStatus = new TreeMap<>();
        log.forEachRecord((ChatRecord r) -> {
            each.accept(r);
            copies.merge(r.id(), 1, Integer::sum);
            status.put(r.id(), r.status().name());
            byStatus.merge(r.status().name(), 1L, Long::sum);
        });
        Map<String, Integer> seen = new HashMap<>();
        received.forEach(id -> seen.merge(id, 1, Integer::sum));
        long missing = 0;
        long duplicated = 0;
        long notCompleted = 0;
        List<String> examples = new ArrayList<>();
        for (Map.Entry<String, Integer> e : seen.entrySet()) {
            int n = copies.getOrDefault(e.getKey(), 0);
            String problem = n == 0 ? "missing" : n > 1 || e.getValue() > 1 ? "duplicated"
                    : !"completed".equals(status.get(e.getKey())) ? "status " + status.get(e.getKey()) : null;
            if (problem == null) {
                continue;
            }
            switch (problem) {
                case "missing" -> missing++;
                case "duplicated" -> duplicated++;
                default -> notCompleted++;
            }
            if (examples.size() < 5) {
                examples.add(e.getKey() + " (" + problem + ")");
            }
        }
        return new Audit(received.size(), missing, duplicated, notCompleted, byStatus, examples);
    }

    /** One line for the report and the terminal. */
    public String describe() {
        String head = received + " answers received, " + records() + " records in the chat log " + recordsByStatus + ": ";
        return passed() ? head + "every received answer is in the chat log exactly once, completed"
                : head + missing + " missing, " + duplicated + " duplicated, " + notCompleted + " not completed, e.g. "
                        + String.join(", ", examples);
    }
}
