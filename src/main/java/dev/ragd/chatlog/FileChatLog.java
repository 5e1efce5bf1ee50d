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
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;

/**
 * The default chat log: an embedded SQLite database in one directory ({@code <dir>/chatlog.db}, with
 * its {@code -wal} and {@code -shm} files), in WAL mode.
 *
 * <p>One row per record: {@code id} (primary key), the timestamp as {@code ts_s} (epoch seconds) and
 * {@code ts_n} (nanoseconds), {@code user_email}, {@code status}, and the whole record as JSON in
 * {@code record}; indexes on {@code (ts_s, ts_n, id)} and {@code (user_email, ts_s, ts_n, id)}.
 *
 * <p><b>Durability.</b> {@link #upsert} returns only after the transaction holding the record has
 * committed with {@code synchronous=FULL}: SQLite has fsync'd the write-ahead log, so the record
 * survives the process being killed and, as far as the disk honours fsync, the machine losing power.
 * Writes are group-committed by one writer thread ({@link GroupCommit}): many waiting writers share
 * one transaction and one fsync.
 *
 * <p><b>Disk use.</b> The database is created with {@code auto_vacuum=INCREMENTAL}: a prune
 * ({@link #delete}) deletes in chunks and then returns the freed pages to the file system in chunks,
 * each its own short transaction, so writers keep going; space freed any other way is reused.
 * The WAL is checkpointed automatically and truncated to {@value #WAL_LIMIT_BYTES} bytes after that.
 *
 * <p><b>Sharing.</b> Several processes may open the same directory at once (the server and
 * {@code ragd logs}); SQLite's file locks let them take turns, a writer waiting up to
 * {@value #BUSY_TIMEOUT_MS} ms for another. There is no lock file: a store whose process was killed
 * opens at once, SQLite replaying or discarding the tail of the WAL as it reads it.
 *
 * <p><b>Upgrade.</b> A directory that holds the H2 store of ragd before this one ({@code ragd.mv.db})
 * is migrated when opened ({@link H2Migration}).
 *
 * <p>Thread-safe. Reads use their own connection under a lock; in WAL mode they never wait for writes.
 */
public final class FileChatLog implements ChatLog {

    private static final Logger log = LoggerFactory.getLogger(FileChatLog.class);
    /** The database file in the store's directory. */
    public static final String DB_FILE = "chatlog.db";
    static final int BUSY_TIMEOUT_MS = 30_000;
    static final long WAL_LIMIT_BYTES = 64L << 20;
    /** Rows one prune transaction deletes, and pages one vacuum step returns: short steps keep writers' waits short. */
    private static final int DELETE_CHUNK = 2_000;
    private static final int VACUUM_PAGES = 2_000;
    private static final String ORDER = " ORDER BY ts_s DESC, ts_n DESC, id DESC LIMIT ?";
    /** The rating of a record's feedback: an expression index on it serves {@code --feedback}. */
    private static final String RATING = "json_extract(record, '$.feedback.rating')";
    /** A record's conversation: an expression index on it serves a conversation's turns. */
    private static final String CONVERSATION = "json_extract(record, '$.conversation_id')";

    private final Path dir;
    private final String url;
    private final GroupCommit writer;
    private final ReentrantLock readLock = new ReentrantLock();
    private Connection reader;
    private volatile boolean closed;

    /** Opens (creating when missing, migrating an H2 store when present) the store in {@code dir}. */
    public FileChatLog(Path dir) {
        this.dir = dir.toAbsolutePath().normalize();
        try {
            Files.createDirectories(this.dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create chat-log directory " + this.dir, e);
        }
        this.url = "jdbc:sqlite:" + this.dir.resolve(DB_FILE);
        Connection c = null;
        try {
            c = connect();
            createSchema(c);
        } catch (SQLException e) {
            closeQuietly(c);
            throw failure("open", e);
        }
        this.writer = new GroupCommit(describe(), c);
        try {
            H2Migration.migrateIfPresent(this.dir, this);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        log.atDebug().addKeyValue("dir", this.dir).log("chat log opened");
    }

    /** Whether {@code dir} holds a file chat log (this one's, or an H2 one still to migrate). */
    public static boolean exists(Path dir) {
        return Files.exists(dir.resolve(DB_FILE)) || Files.exists(dir.resolve(H2Migration.H2_FILE));
    }

    private Connection connect() throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setBusyTimeout(BUSY_TIMEOUT_MS);
        config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
        return DriverManager.getConnection(url, config.toProperties());
    }

    private static void createSchema(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            // auto_vacuum can only be chosen before the first table exists; on an existing store it is a no-op
            s.execute("PRAGMA auto_vacuum = INCREMENTAL");
            s.execute("PRAGMA journal_mode = WAL");
            s.execute("PRAGMA journal_size_limit = " + WAL_LIMIT_BYTES);
            s.execute("""
                CREATE TABLE IF NOT EXISTS chat_records (
                  id TEXT PRIMARY KEY NOT NULL,
                  ts_s INTEGER NOT NULL,
                  ts_n INTEGER NOT NULL,
                  user_email TEXT,
                  status TEXT NOT NULL,
                  record TEXT NOT NULL)""");
            s.execute("CREATE INDEX IF NOT EXISTS chat_records_ts ON chat_records(ts_s, ts_n, id)");
            s.execute("CREATE INDEX IF NOT EXISTS chat_records_user_ts ON chat_records(user_email, ts_s, ts_n, id)");
            // Partial: only rated records are in it, so unrated ones cost no index entry.
            s.execute("CREATE INDEX IF NOT EXISTS chat_records_feedback ON chat_records(" + RATING
                    + ", ts_s, ts_n, id) WHERE " + RATING + " IS NOT NULL");
            s.execute("CREATE INDEX IF NOT EXISTS chat_records_conversation ON chat_records(" + CONVERSATION
                    + ", ts_s, ts_n, id) WHERE " + CONVERSATION + " IS NOT NULL");
            // A user's list of conversations: their first turns only.
            s.execute("CREATE INDEX IF NOT EXISTS chat_records_conversation_openers ON chat_records(user_email, ts_s, ts_n, id)"
                    + " WHERE id = " + CONVERSATION);
        }
    }

    /** Durable when it returns: committed and fsync'd, group-committed with other waiting writers. */
    @Override
    public void upsert(ChatRecord record) {
        Objects.requireNonNull(record, "record");
        RecordChecks.validate(record);
        writer.write(List.of(record), List.of(ChatRecordJson.toJson(record)));
    }

    /** Upserts every record of {@code records}; all are durable when it returns. */
    void upsertAll(List<ChatRecord> records) {
        records.forEach(RecordChecks::validate);
        writer.write(records, records.stream().map(ChatRecordJson::toJson).toList());
    }

    @Override
    public List<ChatRecord> recent(int limit) {
        ChatLogs.checkLimit(limit);
        return query("SELECT record FROM chat_records" + ORDER, List.of(limit));
    }

    @Override
    public List<ChatRecord> olderThan(Instant timestamp, String id, int limit) {
        Objects.requireNonNull(timestamp, "timestamp");
        Objects.requireNonNull(id, "id");
        ChatLogs.checkLimit(limit);
        return query("SELECT record FROM chat_records WHERE (ts_s, ts_n, id) < (?, ?, ?)" + ORDER,
                List.of(timestamp.getEpochSecond(), timestamp.getNano(), id, limit));
    }

    @Override
    public List<ChatRecord> find(ChatLogQuery q) {
        List<String> where = new ArrayList<>();
        List<Object> params = new ArrayList<>();
        if (q.user() != null) {
            where.add("user_email = ?");
            params.add(q.user());
        }
        if (q.since() != null) {
            where.add("(ts_s, ts_n) >= (?, ?)");
            params.add(q.since().getEpochSecond());
            params.add(q.since().getNano());
        }
        if (q.status() != null) {
            where.add("status = ?");
            params.add(q.status().name());
        }
        if (q.feedback() != null) {
            where.add(RATING + " = ?");
            params.add(q.feedback().name());
        }
        if (q.conversation() != null) {
            where.add(CONVERSATION + " = ?");
            params.add(q.conversation());
        }
        if (q.openers()) {
            where.add("id = " + CONVERSATION);
        }
        if (q.after() != null) {
            where.add("(ts_s, ts_n, id) < (?, ?, ?)");
            params.add(q.after().timestamp().getEpochSecond());
            params.add(q.after().timestamp().getNano());
            params.add(q.after().id());
        }
        params.add(q.limit());
        return query("SELECT record FROM chat_records" + (where.isEmpty() ? "" : " WHERE " + String.join(" AND ", where))
                + ORDER, params);
    }

    @Override
    public Optional<ChatRecord> get(String id) {
        Objects.requireNonNull(id, "id");
        return query("SELECT record FROM chat_records WHERE id = ?", List.of(id)).stream().findFirst();
    }

    /**
     * Deletes in chunks of {@value #DELETE_CHUNK} rows, each its own transaction (writers get their
     * turn in between), then hands the freed pages back to the file system the same way.
     */
    @Override
    public long delete(Instant olderThan) {
        Objects.requireNonNull(olderThan, "olderThan");
        long deleted = 0;
        for (int n = DELETE_CHUNK; n == DELETE_CHUNK; ) {
            n = (int) writer.run(c -> {
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM chat_records WHERE rowid IN"
                        + " (SELECT rowid FROM chat_records WHERE (ts_s, ts_n) < (?, ?) LIMIT " + DELETE_CHUNK + ")")) {
                    ps.setLong(1, olderThan.getEpochSecond());
                    ps.setInt(2, olderThan.getNano());
                    return ps.executeUpdate();
                }
            });
            deleted += n;
        }
        while ((long) writer.run(FileChatLog::vacuumStep) > 0) {
            // each step returns up to VACUUM_PAGES pages in its own transaction
        }
        return deleted;
    }

    @Override
    public long deleteConversation(String conversationId, String user) {
        Objects.requireNonNull(conversationId, "conversationId");
        return (int) writer.run(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM chat_records WHERE " + CONVERSATION + " = ?"
                    + (user == null ? "" : " AND user_email = ?"))) {
                ps.setString(1, conversationId);
                if (user != null) {
                    ps.setString(2, user);
                }
                return ps.executeUpdate();
            }
        });
    }

    /** Returns up to {@value #VACUUM_PAGES} free pages to the file system; how many free pages were left before. */
    private static Object vacuumStep(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            long free;
            try (ResultSet rs = s.executeQuery("PRAGMA freelist_count")) {
                free = rs.next() ? rs.getLong(1) : 0;
            }
            if (free > 0) {
                s.execute("PRAGMA incremental_vacuum(" + VACUUM_PAGES + ")");
            }
            return free;
        }
    }

    /** How many records the store holds. */
    long count() {
        return (long) withReader(c -> {
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM chat_records")) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    private List<ChatRecord> query(String sql, List<?> params) {
        @SuppressWarnings("unchecked")
        List<ChatRecord> out = (List<ChatRecord>) withReader(c -> ChatLogSql.records(c, sql, ps -> {
            for (int i = 0; i < params.size(); i++) {
                ps.setObject(i + 1, params.get(i));
            }
        }));
        return out;
    }

    private Object withReader(GroupCommit.Op work) {
        readLock.lock();
        try {
            if (closed) {
                throw new IllegalStateException("chat log " + describe() + " is closed");
            }
            if (reader == null) {
                reader = connect();
            }
            return work.run(reader);
        } catch (SQLException e) {
            closeQuietly(reader);
            reader = null;
            throw failure("read records", e);
        } finally {
            readLock.unlock();
        }
    }

    private IllegalStateException failure(String what, SQLException e) {
        return new IllegalStateException("chat log " + describe() + ": cannot " + what + ": " + e.getMessage(), e);
    }

    private static void closeQuietly(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // nothing more to do with a connection that will not close
            }
        }
    }

    @Override
    public String describe() {
        return "file:" + dir;
    }

    /** Finishes the writes already submitted, then closes both connections. Idempotent. */
    @Override
    public void close() {
        closed = true;
        if (writer != null) {
            writer.close();
        }
        readLock.lock();
        try {
            closeQuietly(reader);
            reader = null;
        } finally {
            readLock.unlock();
        }
    }
}
