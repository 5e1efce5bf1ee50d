package dev.ragd.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.ragd.chatlog.ChatLog;
import dev.ragd.chatlog.ChatLogQuery;
import dev.ragd.chatlog.ChatRecord;
import dev.ragd.chatlog.ChatRecordJson;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.UnaryOperator;

/**
 * Writes chat records, one JSON Lines line at a time, into a {@link ChatLog}, idempotently.
 *
 * <p>Each valid record is looked up first: when the store already holds a record with its id and
 * exactly the content the store would keep for it ({@code asStored}, e.g. the email hashed), it
 * counts as <em>skipped</em> and is not written; otherwise it is upserted and counts as
 * <em>written</em> (a record with the same id but other content is replaced). The lookup goes
 * through {@link ChatLog#find}, since the interface has no read by id: it pages through the records
 * whose timestamp lies within {@link #WINDOW} of the imported one and looks for the id, so it holds
 * for every store that orders timestamps at that resolution or finer (PostgreSQL keeps
 * microseconds). The interface has no batch write, so records are written in batches of
 * {@link #BATCH} by {@link #WRITERS} threads at once (stores that group-commit share their syncs);
 * a batch never holds one id twice, so a later line for the same id always wins.
 *
 * <p>Lines that are not a valid record are reported to {@link Problems} with their number and
 * counted <em>invalid</em>; blank lines are ignored. A store failure (not a rejected record) ends
 * the import with a {@link StoreFailure}; what was written before stays written. Not thread-safe.
 */
final class RecordImport implements AutoCloseable {

    /** How far apart the imported and stored timestamps of one record may be (store resolution). */
    static final Duration WINDOW = Duration.ofMillis(1);
    static final int BATCH = 256;
    static final int WRITERS = 4;
    private static final int LOOKUP_PAGE = 50;
    private static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");
    private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999999999Z");
    private static final int MAX_ID_CHARS = 255;
    private static final ObjectMapper STRICT = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    /** Where invalid lines are reported. */
    interface Problems {
        void invalid(long lineNumber, String problem);
    }

    /** Totals so far: read = written + skipped + invalid (blank lines are not counted). */
    record Counts(long read, long written, long skipped, long invalid) {
        String summary() {
            return String.format(Locale.ROOT, "read=%d written=%d skipped=%d invalid=%d", read, written, skipped, invalid);
        }
    }

    /** The store failed (not a rejected record); the import cannot go on. */
    static final class StoreFailure extends RuntimeException {
        StoreFailure(long lineNumber, Throwable cause) {
            super("the store failed at line " + lineNumber + ": " + cause.getMessage(), cause);
        }
    }

    private record Pending(long line, ChatRecord record) {}

    private enum Outcome { WRITTEN, SKIPPED }

    private final ChatLog log;
    private final UnaryOperator<ChatRecord> asStored;
    private final Problems problems;
    private final ExecutorService writers = Executors.newFixedThreadPool(WRITERS, r -> {
        Thread t = new Thread(r, "ragd-import");
        t.setDaemon(true);
        return t;
    });
    private final List<Pending> batch = new ArrayList<>();
    private final Set<String> batchIds = new HashSet<>();
    private long read;
    private long written;
    private long skipped;
    private long invalid;

    /** @param asStored the record as {@code log} would keep it (compared with what it holds) */
    RecordImport(ChatLog log, UnaryOperator<ChatRecord> asStored, Problems problems) {
        this.log = log;
        this.asStored = asStored;
        this.problems = problems;
    }

    /** Takes one line: reports it when invalid, ignores it when blank, else queues its record. */
    void accept(JsonLinesReader.Line line) {
        if (line.blank()) {
            return;
        }
        read++;
        if (line.problem() != null) {
            invalid(line.number(), line.problem());
            return;
        }
        ChatRecord record;
        try {
            record = parse(line.text());
        } catch (IllegalArgumentException e) {
            invalid(line.number(), e.getMessage());
            return;
        }
        if (batchIds.contains(record.id())) {
            flush();
        }
        batch.add(new Pending(line.number(), record));
        batchIds.add(record.id());
        if (batch.size() >= BATCH) {
            flush();
        }
    }

    /** Writes what is queued and waits for it. */
    void flush() {
        List<Future<Outcome>> futures = batch.stream().map(p -> writers.submit(() -> store(p.record()))).toList();
        StoreFailure failure = null;
        for (int i = 0; i < futures.size(); i++) {
            long lineNumber = batch.get(i).line();
            try {
                if (futures.get(i).get() == Outcome.WRITTEN) {
                    written++;
                } else {
                    skipped++;
                }
            } catch (ExecutionException e) {
                if (e.getCause() instanceof IllegalArgumentException rejected) {
                    invalid(lineNumber, "the store refused the record: " + rejected.getMessage());
                } else if (failure == null) {
                    failure = new StoreFailure(lineNumber, e.getCause());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StoreFailure(lineNumber, e);
            }
        }
        batch.clear();
        batchIds.clear();
        if (failure != null) {
            throw failure;
        }
    }

    Counts counts() {
        return new Counts(read, written, skipped, invalid);
    }

    private void invalid(long lineNumber, String problem) {
        invalid++;
        problems.invalid(lineNumber, problem);
    }

    private Outcome store(ChatRecord record) {
        ChatRecord wanted = asStored.apply(record);
        Optional<ChatRecord> present = present(record);
        if (present.isPresent() && present.get().equals(wanted)) {
            return Outcome.SKIPPED;
        }
        log.upsert(record);
        return Outcome.WRITTEN;
    }

    /** The stored record with {@code r}'s id near {@code r}'s timestamp, if any. */
    private Optional<ChatRecord> present(ChatRecord r) {
        ChatLogQuery query = new ChatLogQuery(null, r.timestamp().minus(WINDOW), null, LOOKUP_PAGE,
                new ChatLogQuery.Cursor(r.timestamp().plus(WINDOW), ""));
        List<ChatRecord> page = log.find(query);
        while (!page.isEmpty()) {
            for (ChatRecord c : page) {
                if (c.id().equals(r.id())) {
                    return Optional.of(c);
                }
            }
            if (page.size() < LOOKUP_PAGE) {
                break;
            }
            page = log.find(query.after(page.getLast()));
        }
        return Optional.empty();
    }

    /**
     * One line of {@code ragd logs export} back into a record.
     *
     * @throws IllegalArgumentException naming the problem: not JSON, not one object, no id, not a
     *         valid record, no timestamp or status, a timestamp outside years 1 to 9999
     */
    static ChatRecord parse(String text) {
        JsonNode node;
        try {
            node = STRICT.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("not a JSON object but " + (node == null ? "nothing" : kind(node)));
        }
        JsonNode id = node.get("id");
        if (id == null || id.isNull()) {
            throw new IllegalArgumentException("no id");
        }
        if (!id.isTextual() || id.asText().isBlank()) {
            throw new IllegalArgumentException("id must be a non-blank string, got " + id);
        }
        if (id.asText().length() > MAX_ID_CHARS) {
            throw new IllegalArgumentException("id is longer than " + MAX_ID_CHARS + " characters");
        }
        JsonNode results = node.get("agents_search_results");
        if (results == null || !results.isArray()) {
            throw new IllegalArgumentException("record " + id.asText() + ": agents_search_results must be an array");
        }
        ChatRecord r = ChatRecordJson.fromJson(text);
        if (r.timestamp() == null) {
            throw new IllegalArgumentException("record " + r.id() + ": no timestamp");
        }
        if (r.timestamp().isBefore(EARLIEST) || r.timestamp().isAfter(LATEST)) {
            throw new IllegalArgumentException("record " + r.id() + ": timestamp " + r.timestamp()
                    + " is outside the years 1 to 9999");
        }
        if (r.status() == null) {
            throw new IllegalArgumentException("record " + r.id() + ": no status");
        }
        return r;
    }

    private static String kind(JsonNode node) {
        return switch (node.getNodeType()) {
            case ARRAY -> "an array";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            default -> node.getNodeType().name().toLowerCase(Locale.ROOT);
        };
    }

    @Override
    public void close() {
        writers.shutdown();
    }
}
