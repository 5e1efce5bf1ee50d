package dev.ragd.chatlog;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
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
import org.h2.jdbcx.JdbcConnectionPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The default chat log: an embedded H2 file database in one directory ({@code <dir>/ragd.mv.db}).
 *
 * <p>One row per record: {@code id} (primary key), {@code ts}, {@code user_email}, {@code status}
 * (indexed or filterable columns) and the full record as JSON. Writes are autocommitted
 * {@code MERGE ... KEY(id)} statements with {@code WRITE_DELAY=0}, so a record is in the database
 * file when {@link #upsert} returns and survives the process being killed (not an OS crash: H2 does
 * not fsync every commit).
 *
 * <p>Several processes may open the same directory at once (the server and {@code ragd logs}):
 * the URL uses H2's {@code AUTO_SERVER=TRUE}, so the first process to open the file serves it over a
 * loopback TCP port and later ones connect through it. Thread-safe: connections come from a small
 * H2 connection pool.
 */
public final class FileChatLog implements ChatLog {

    private static final Logger log = LoggerFactory.getLogger(FileChatLog.class);
    private static final int MAX_ID_CHARS = 255;
    private static final int MAX_EMAIL_CHARS = 320;
    private static final String COLUMNS = "record";
    private static final String ORDER = " ORDER BY ts DESC, id DESC LIMIT ?";

    private final Path dir;
    private final JdbcConnectionPool pool;

    /** Opens (creating when missing) the store in {@code dir}; idempotent on an existing store. */
    public FileChatLog(Path dir) {
        this.dir = dir.toAbsolutePath().normalize();
        if (this.dir.toString().contains(";")) {
            throw new IllegalArgumentException("chat-log directory must not contain ';': " + this.dir);
        }
        try {
            Files.createDirectories(this.dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create chat-log directory " + this.dir, e);
        }
        String url = "jdbc:h2:file:" + this.dir.resolve("ragd") + ";AUTO_SERVER=TRUE;WRITE_DELAY=0";
        this.pool = JdbcConnectionPool.create(url, "ragd", "");
        pool.setMaxConnections(4);
        try {
            createSchema();
        } catch (RuntimeException e) {
            pool.dispose();
            throw e;
        }
        log.atDebug().addKeyValue("dir", this.dir).log("chat log opened");
    }

    private void createSchema() {
        try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
            s.execute("""
                    CREATE TABLE IF NOT EXISTS chat_records (
                      id VARCHAR(%d) PRIMARY KEY,
                      ts TIMESTAMP(9) WITH TIME ZONE NOT NULL,
                      user_email VARCHAR(%d),
                      status VARCHAR(16) NOT NULL,
                      record CLOB NOT NULL)""".formatted(MAX_ID_CHARS, MAX_EMAIL_CHARS));
            s.execute("CREATE INDEX IF NOT EXISTS chat_records_ts ON chat_records(ts, id)");
            s.execute("CREATE INDEX IF NOT EXISTS chat_records_user_email ON chat_records(user_email)");
        } catch (SQLException e) {
            throw failure("create schema", e);
        }
    }

    @Override
    public void upsert(ChatRecord record) {
        Objects.requireNonNull(record, "record");
        validate(record);
        String json = ChatRecordJson.toJson(record);
        try (Connection c = pool.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "MERGE INTO chat_records (id, ts, user_email, status, record) KEY(id) VALUES (?, ?, ?, ?, ?)")) {
            ps.setString(1, record.id());
            ps.setObject(2, OffsetDateTime.ofInstant(record.timestamp(), ZoneOffset.UTC));
            ps.setString(3, record.userEmail());
            ps.setString(4, record.status().name());
            ps.setString(5, json);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw failure("write record " + record.id(), e);
        }
    }

    private static void validate(ChatRecord r) {
        if (r.id() == null || r.id().isBlank()) {
            throw new IllegalArgumentException("chat record id must not be blank");
        }
        if (r.id().length() > MAX_ID_CHARS) {
            throw new IllegalArgumentException("chat record id must be at most " + MAX_ID_CHARS + " characters");
        }
        if (r.timestamp() == null) {
            throw new IllegalArgumentException("chat record " + r.id() + ": timestamp must not be null");
        }
        if (r.status() == null) {
            throw new IllegalArgumentException("chat record " + r.id() + ": status must not be null");
        }
        if (r.userEmail() != null && r.userEmail().length() > MAX_EMAIL_CHARS) {
            throw new IllegalArgumentException("chat record " + r.id() + ": user_email must be at most "
                    + MAX_EMAIL_CHARS + " characters");
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
        return query("SELECT " + COLUMNS + " FROM chat_records WHERE ts < ? OR (ts = ? AND id < ?)" + ORDER, ps -> {
            ps.setObject(1, ts);
            ps.setObject(2, ts);
            ps.setString(3, id);
            ps.setInt(4, limit);
        });
    }

    private interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    private List<ChatRecord> query(String sql, Binder binder) {
        try (Connection c = pool.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            binder.bind(ps);
            List<ChatRecord> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(ChatRecordJson.fromJson(rs.getString(1)));
                }
            }
            return out;
        } catch (SQLException e) {
            throw failure("read records", e);
        }
    }

    private IllegalStateException failure(String what, SQLException e) {
        return new IllegalStateException("chat log " + dir + ": cannot " + what + ": " + e.getMessage(), e);
    }

    @Override
    public String describe() {
        return "file:" + dir;
    }

    /** Returns the pooled connections; the database file is closed when its last connection goes. */
    @Override
    public void close() {
        pool.dispose();
    }
}
