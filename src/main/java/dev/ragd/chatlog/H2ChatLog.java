package dev.ragd.chatlog;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The chat log ragd kept before {@link FileChatLog} moved to SQLite: an embedded H2 file database in
 * one directory ({@code <dir>/ragd.mv.db}). Kept only so that {@link H2Migration} can read such a
 * store (any of its layouts) and move its records over; remove it with the migration.
 *
 * <p>One row per record: {@code id} (primary key), {@code ts}, {@code user_email}, {@code status}
 * (indexed or filterable columns) and the full record as JSON, in {@code record}
 * ({@code CHARACTER VARYING(1000000)}, stored inline in the row) or, for the rare record whose JSON
 * is longer than {@value #INLINE_MAX_CHARS} characters, in {@code record_large} ({@code CLOB}); the
 * other one is NULL. Nothing is truncated or refused for its size. Keeping records out of H2's LOB
 * storage cuts the CPU a write costs by about a quarter (see {@code H2ChatLogBench}); a store
 * created with the old {@code record CLOB NOT NULL} column is migrated when opened ({@link #migrate}).
 *
 * <p>Writes are {@code MERGE ... KEY(id)} statements, committed in groups (see {@link #upsert})
 * with {@code WRITE_DELAY=0}, so a record is in the database file when {@link #upsert} returns and
 * survives the process being killed (not an OS crash: H2 does not fsync every commit).
 *
 * <p>Several processes may open the same directory at once (the server and {@code ragd logs}):
 * the URL uses H2's {@code AUTO_SERVER=TRUE}, so the first process to open the file serves it over a
 * loopback TCP port and later ones connect through it; when that process exits, H2 reconnects the
 * others, and a statement that fails on a broken connection is retried once on a fresh one.
 *
 * <p>Thread-safe: one connection, one statement at a time under a lock. Measured on a 2-core box,
 * 1,600 upserts from 8 threads: one locked connection about 1,700/s, an 8-connection H2 pool
 * about 600/s (MVStore commits serialise anyway, and the pool adds per-call overhead). Most of a
 * write's CPU is H2 serialising the B-tree pages and chunk metadata that the commit rewrites, so
 * the table has no index that another one already covers.
 *
 * <p>After a crash the next open waits a few seconds while H2 decides the old lock file is stale.
 */
final class H2ChatLog implements ChatLog {

    private static final Logger log = LoggerFactory.getLogger(H2ChatLog.class);
    /** Longest record JSON kept inline in {@code record}; longer ones go to {@code record_large}. */
    static final int INLINE_MAX_CHARS = 1_000_000;
    private static final String COLUMNS = "record, record_large";
    private static final String MERGE = "MERGE INTO chat_records (id, ts, user_email, status, record, record_large)"
            + " KEY(id) VALUES (?, ?, ?, ?, ?, ?)";
    private static final String ORDER = " ORDER BY ts DESC, id DESC LIMIT ?";

    private final Path dir;
    private final String url;
    private final ReentrantLock lock = new ReentrantLock();
    private final List<Pending> waiting = new ArrayList<>();
    private Connection connection;
    private PreparedStatement merge;
    private boolean closed;

    /** Opens (creating when missing) the store in {@code dir}; idempotent on an existing store. */
    H2ChatLog(Path dir) {
        this.dir = dir.toAbsolutePath().normalize();
        if (this.dir.toString().contains(";")) {
            throw new IllegalArgumentException("chat-log directory must not contain ';': " + this.dir);
        }
        try {
            Files.createDirectories(this.dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create chat-log directory " + this.dir, e);
        }
        this.url = "jdbc:h2:file:" + this.dir.resolve("ragd") + ";AUTO_SERVER=TRUE;WRITE_DELAY=0";
        try {
            createSchema();
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        log.atDebug().addKeyValue("dir", this.dir).log("chat log opened");
    }

    private void createSchema() {
        withConnection("create schema", c -> {
            try (Statement s = c.createStatement()) {
                s.execute("""
                    CREATE TABLE IF NOT EXISTS chat_records (
                      id VARCHAR(%d) PRIMARY KEY,
                      ts TIMESTAMP(9) WITH TIME ZONE NOT NULL,
                      user_email VARCHAR,
                      status VARCHAR(16) NOT NULL,
                      record CHARACTER VARYING(%d),
                      record_large CHARACTER LARGE OBJECT)""".formatted(RecordChecks.MAX_ID_CHARS, INLINE_MAX_CHARS));
                migrate(s);
                s.execute("CREATE INDEX IF NOT EXISTS chat_records_ts ON chat_records(ts, id)");
                s.execute("CREATE INDEX IF NOT EXISTS chat_records_user_ts ON chat_records(user_email, ts, id)");
                // (user_email, ts, id) serves every lookup by user; a second index only cost writes
                s.execute("DROP INDEX IF EXISTS chat_records_user_email");
            }
            return null;
        });
    }

    /**
     * Brings a table created with {@code record CLOB NOT NULL} (ragd before the inline column) to the
     * current columns, without losing or truncating a record: JSON longer than
     * {@value #INLINE_MAX_CHARS} characters is first copied to {@code record_large}, and only then is
     * {@code record} cleared for those rows and converted. H2 commits each DDL statement, so every
     * step is written to be repeated: after a crash half-way the next open finishes the job, and in
     * every intermediate state each row still has its JSON in {@code record} or {@code record_large}.
     */
    private static void migrate(Statement s) throws SQLException {
        s.execute("ALTER TABLE chat_records ADD COLUMN IF NOT EXISTS record_large CHARACTER LARGE OBJECT");
        String type;
        try (ResultSet rs = s.executeQuery("SELECT DATA_TYPE FROM INFORMATION_SCHEMA.COLUMNS WHERE TABLE_SCHEMA = "
                + "CURRENT_SCHEMA AND TABLE_NAME = 'CHAT_RECORDS' AND COLUMN_NAME = 'RECORD'")) {
            type = rs.next() ? rs.getString(1) : "";
        }
        if (!type.equals("CHARACTER LARGE OBJECT")) {
            return;
        }
        long started = System.nanoTime();
        try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM chat_records")) {
            rs.next();
            // measured ~0.25 ms per record on a 2-core box: a minute for 250,000 records
            log.atInfo().addKeyValue("records", rs.getLong(1))
                    .log("migrating the chat log's record column from CLOB to CHARACTER VARYING; open waits for it");
        }
        int moved = s.executeUpdate("UPDATE chat_records SET record_large = record"
                + " WHERE record_large IS NULL AND CHAR_LENGTH(record) > " + INLINE_MAX_CHARS);
        s.execute("ALTER TABLE chat_records ALTER COLUMN record SET NULL");
        s.executeUpdate("UPDATE chat_records SET record = NULL WHERE record_large IS NOT NULL AND record IS NOT NULL");
        s.execute("ALTER TABLE chat_records ALTER COLUMN record SET DATA TYPE CHARACTER VARYING(" + INLINE_MAX_CHARS + ")");
        log.atInfo().addKeyValue("large_records", moved)
                .addKeyValue("duration_ms", (System.nanoTime() - started) / 1_000_000)
                .log("chat log migrated");
    }

    private interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    /** Runs {@code work} under the lock; retries once on a fresh connection if it fails. */
    private <T> T withConnection(String what, Work<T> work) {
        lock.lock();
        try {
            if (closed) {
                throw new IllegalStateException("chat log " + dir + " is closed");
            }
            try {
                return work.run(connection());
            } catch (SQLException first) {
                dropConnection();
                try {
                    return work.run(connection());
                } catch (SQLException second) {
                    second.addSuppressed(first);
                    throw failure(what, second);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    private Connection connection() throws SQLException {
        if (connection == null || connection.isClosed()) {
            connection = DriverManager.getConnection(url, "ragd", "");
        }
        return connection;
    }

    private void dropConnection() {
        merge = null; // closed with its connection
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // already broken; a new one is opened next
            }
            connection = null;
        }
    }

    /**
     * Group commit: a writer that gets the lock commits every record waiting at that moment in one
     * transaction (one MVStore commit instead of one per record); writers whose record went out in
     * someone else's batch return as soon as that batch committed. Durable (committed) on return;
     * when a batch fails, every writer in it gets the failure.
     */
    @Override
    public void upsert(ChatRecord record) {
        Objects.requireNonNull(record, "record");
        RecordChecks.validate(record);
        Pending mine = new Pending(record, ChatRecordJson.toJson(record),
                OffsetDateTime.ofInstant(record.timestamp(), ZoneOffset.UTC));
        synchronized (waiting) {
            waiting.add(mine);
        }
        lock.lock();
        try {
            if (!mine.done) {
                List<Pending> batch;
                synchronized (waiting) {
                    batch = new ArrayList<>(waiting);
                    waiting.clear();
                }
                RuntimeException failure = null;
                try {
                    withConnection("write " + batch.size() + " record(s), first " + batch.getFirst().record.id(),
                            c -> writeBatch(c, mergeStatement(c), batch));
                } catch (RuntimeException e) {
                    failure = e;
                }
                for (Pending p : batch) {
                    p.failure = failure;
                    p.done = true;
                }
            }
        } finally {
            lock.unlock();
        }
        if (mine.failure != null) {
            throw mine.failure;
        }
    }

    /** The MERGE statement, prepared once per connection (under {@link #lock}). */
    private PreparedStatement mergeStatement(Connection c) throws SQLException {
        if (merge == null || merge.isClosed() || merge.getConnection() != c) {
            merge = c.prepareStatement(MERGE);
        }
        return merge;
    }

    private static int writeBatch(Connection c, PreparedStatement ps, List<Pending> batch) throws SQLException {
        c.setAutoCommit(false);
        try {
            for (Pending p : batch) {
                boolean inline = p.json.length() <= INLINE_MAX_CHARS;
                ps.setString(1, p.record.id());
                ps.setObject(2, p.ts);
                ps.setString(3, p.record.userEmail());
                ps.setString(4, p.record.status().name());
                ps.setString(5, inline ? p.json : null);
                ps.setString(6, inline ? null : p.json);
                ps.addBatch();
            }
            ps.executeBatch();
            c.commit();
            return batch.size();
        } catch (SQLException e) {
            try {
                ps.clearBatch();
                c.rollback();
            } catch (SQLException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
    }

    /** A record waiting to be committed; its fields are read and written under {@link #lock}. */
    private static final class Pending {
        final ChatRecord record;
        final String json;
        final OffsetDateTime ts;
        boolean done;
        RuntimeException failure;

        Pending(ChatRecord record, String json, OffsetDateTime ts) {
            this.record = record;
            this.json = json;
            this.ts = ts;
        }
    }


    @Override
    public List<ChatRecord> recent(int limit) {
        ChatLogs.checkLimit(limit);
        return query("SELECT " + COLUMNS + " FROM chat_records" + ORDER, ps -> ps.setInt(1, limit));
    }

    @Override
    public List<ChatRecord> olderThan(Instant timestamp, String id, int limit) {
        Objects.requireNonNull(timestamp, "timestamp");
        Objects.requireNonNull(id, "id");
        ChatLogs.checkLimit(limit);
        OffsetDateTime ts = OffsetDateTime.ofInstant(timestamp, ZoneOffset.UTC);
        // A row-value comparison lets H2 start the (ts, id) index range at the cursor (scans only
        // `limit` rows); "ts < ? OR (ts = ? AND id < ?)" made it skip every newer row first.
        return query("SELECT " + COLUMNS + " FROM chat_records WHERE (ts, id) < (?, ?)" + ORDER, ps -> {
            ps.setObject(1, ts);
            ps.setString(2, id);
            ps.setInt(3, limit);
        });
    }

    @Override
    public List<ChatRecord> find(ChatLogQuery query) {
        if (query.feedback() != null || query.conversation() != null || query.openers()) {
            // The H2 store predates feedback and conversations and is only read to migrate it: no index for these.
            return ChatLog.super.find(query);
        }
        ChatLogSql.Statement st = ChatLogSql.find("chat_records", COLUMNS, null, query);
        return query(st.sql(), st.binder());
    }

    @Override
    public long delete(Instant olderThan) {
        Objects.requireNonNull(olderThan, "olderThan");
        OffsetDateTime ts = OffsetDateTime.ofInstant(olderThan, ZoneOffset.UTC);
        return withConnection("delete records", c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM chat_records WHERE ts < ?")) {
                ps.setObject(1, ts);
                return (long) ps.executeUpdate();
            }
        });
    }

    /** The H2 store predates conversations (its records have none): found by a scan, deleted by id. */
    @Override
    public long deleteConversation(String conversationId, String user) {
        Objects.requireNonNull(conversationId, "conversationId");
        List<String> ids = ChatLog.super.find(ChatLogQuery.all(Integer.MAX_VALUE).withConversation(conversationId)
                .withUser(user)).stream().map(ChatRecord::id).toList();
        return withConnection("delete conversation", c -> {
            long deleted = 0;
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM chat_records WHERE id = ?")) {
                for (String id : ids) {
                    ps.setString(1, id);
                    deleted += ps.executeUpdate();
                }
            }
            return deleted;
        });
    }

    /** Runs a query selecting {@link #COLUMNS}; each row's JSON is in one of the two. */
    private List<ChatRecord> query(String sql, ChatLogSql.Binder binder) {
        return withConnection("read records", c -> {
            List<ChatRecord> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                binder.bind(ps);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        String json = rs.getString(1);
                        out.add(ChatRecordJson.fromJson(json != null ? json : rs.getString(2)));
                    }
                }
            }
            return out;
        });
    }

    private IllegalStateException failure(String what, SQLException e) {
        return new IllegalStateException("chat log " + dir + ": cannot " + what + ": " + e.getMessage(), e);
    }

    @Override
    public String describe() {
        return "file:" + dir;
    }

    /** Closes the connection; the database file is closed when its last connection goes. Idempotent. */
    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            dropConnection();
        } finally {
            lock.unlock();
        }
    }
}
