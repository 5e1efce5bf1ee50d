package dev.ragd.chatlog;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.ragd.config.ChatLogConfig;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code RAGD_CHATLOG=postgres}: chat records in a PostgreSQL 14+ table {@code chat_log} (created
 * and migrated by Flyway from {@code db/migration/postgresql}; history in {@code ragd_schema_history}),
 * through a HikariCP pool of {@code RAGD_PG_POOL_SIZE} connections. Works with Azure Database for
 * PostgreSQL and, with a distributed table, Azure Cosmos DB for PostgreSQL (Citus).
 *
 * <p>{@link #upsert} is one autocommitted {@code INSERT ... ON CONFLICT (id) DO UPDATE}: durable when
 * it returns. Timeouts keep an outage from hanging request threads: a connection is waited for at
 * most 3 s (pool and TCP connect), a statement's socket read at most 30 s (URL parameters such as
 * {@code connectTimeout} or {@code socketTimeout} override these).
 *
 * <p>PostgreSQL text cannot hold U+0000, so NUL characters in any string field are stored as
 * U+FFFD; everything else comes back exactly. Timestamps are ordered and filtered at microsecond
 * resolution (the record JSON keeps the full value).
 *
 * <p>Thread-safe. The constructor connects and migrates, and fails fast (within about 3 s) with an
 * {@link IllegalStateException} naming {@code RAGD_PG_URL} when the database cannot be reached.
 * The password is never logged.
 */
public final class PostgresChatLog implements ChatLog {

    private static final Logger log = LoggerFactory.getLogger(PostgresChatLog.class);
    static final int CONNECT_TIMEOUT_MS = 3_000;
    /** The rating of a record's feedback; V2 indexes exactly this expression (with ts, id) for {@code --feedback}. */
    private static final String RATING = "(record->'feedback'->>'rating')";
    /** A record's conversation; V3 indexes exactly this expression (with ts, id). */
    private static final String CONVERSATION = "(record->>'conversation_id')";
    private static final String UPSERT = """
            INSERT INTO chat_log (id, ts, user_email, status, model, record) VALUES (?, ?, ?, ?, ?, ?::jsonb)
            ON CONFLICT (id) DO UPDATE SET ts = EXCLUDED.ts, user_email = EXCLUDED.user_email,
              status = EXCLUDED.status, model = EXCLUDED.model, record = EXCLUDED.record""";

    /** A {@code password=} URL parameter (group 1: the separator that stays, group 2: the password). */
    private static final Pattern URL_PASSWORD = Pattern.compile("(?i)([?&;])password=([^&;]*)&?");
    private final String url;
    private final HikariDataSource pool;

    public PostgresChatLog(ChatLogConfig.Postgres config) {
        Objects.requireNonNull(config.url(), "RAGD_PG_URL");
        this.url = ChatLogConfig.maskUrl(config.url());
        HikariConfig hc = new HikariConfig();
        hc.setPoolName("ragd-chatlog");
        hc.setJdbcUrl(config.url());
        if (config.user() != null) {
            hc.setUsername(config.user());
        }
        if (config.password() != null) {
            hc.setPassword(config.password());
        }
        hc.setMaximumPoolSize(config.poolSize());
        hc.setConnectionTimeout(CONNECT_TIMEOUT_MS);
        hc.setValidationTimeout(2_000);
        hc.setInitializationFailTimeout(1);
        hc.addDataSourceProperty("connectTimeout", Integer.toString(CONNECT_TIMEOUT_MS / 1000));
        hc.addDataSourceProperty("loginTimeout", Integer.toString(CONNECT_TIMEOUT_MS / 1000));
        hc.addDataSourceProperty("socketTimeout", "30");
        hc.addDataSourceProperty("tcpKeepAlive", "true");
        hc.addDataSourceProperty("ApplicationName", "ragd");
        HikariDataSource ds;
        try {
            ds = new HikariDataSource(hc);
        } catch (RuntimeException e) {
            throw unreachable(e);
        }
        this.pool = ds;
        try {
            // Flyway holds two connections at once (lock + migration): its own, so a pool of one works.
            // It logs the URL, so a password given as a URL parameter is moved out of it first.
            Matcher inUrl = URL_PASSWORD.matcher(config.url());
            String urlPassword = inUrl.find() ? inUrl.group(2) : null;
            String flywayUrl = URL_PASSWORD.matcher(config.url()).replaceAll("$1").replaceAll("[?&]$", "");
            String flywayPassword = config.password() != null ? config.password() : urlPassword;
            Flyway.configure()
                    .dataSource(flywayUrl, config.user(), flywayPassword)
                    .connectRetries(0)
                    .locations("classpath:db/migration/postgresql")
                    .table("ragd_schema_history")
                    .load()
                    .migrate();
        } catch (RuntimeException e) {
            ds.close();
            throw new IllegalStateException("chat log: cannot create or migrate the chat_log table in RAGD_PG_URL="
                    + url + ": " + rootMessage(e), e);
        }
        log.atInfo().addKeyValue("url", url).addKeyValue("pool_size", config.poolSize()).log("postgres chat log opened");
    }

    private IllegalStateException unreachable(RuntimeException e) {
        return new IllegalStateException("chat log: cannot connect to PostgreSQL at RAGD_PG_URL=" + url
                + " (check RAGD_PG_URL, RAGD_PG_USER, RAGD_PG_PASSWORD): " + rootMessage(e), e);
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    /** The record as this store keeps it: PostgreSQL text cannot hold U+0000, so every one becomes U+FFFD. */
    public static ChatRecord asStored(ChatRecord record) {
        return RecordChecks.withoutNul(record);
    }

    @Override
    public void upsert(ChatRecord record) {
        Objects.requireNonNull(record, "record");
        RecordChecks.validate(record);
        ChatRecord r = asStored(record);
        String json = ChatRecordJson.toJson(r);
        run("write record " + r.id(), c -> {
            try (PreparedStatement ps = c.prepareStatement(UPSERT)) {
                ps.setString(1, r.id());
                ps.setObject(2, ChatLogSql.utc(r.timestamp()));
                ps.setString(3, r.userEmail());
                ps.setString(4, r.status().name());
                ps.setString(5, r.model());
                ps.setString(6, json);
                return ps.executeUpdate();
            }
        });
    }

    @Override
    public List<ChatRecord> recent(int limit) {
        return find(ChatLogQuery.all(limit));
    }

    @Override
    public List<ChatRecord> olderThan(Instant timestamp, String id, int limit) {
        return find(new ChatLogQuery(null, null, null, limit, new ChatLogQuery.Cursor(timestamp, id)));
    }

    @Override
    public List<ChatRecord> find(ChatLogQuery query) {
        ChatLogSql.Statement st = ChatLogSql.find("chat_log", "record::text", RATING, CONVERSATION, query);
        return run("read records", c -> ChatLogSql.records(c, st.sql(), st.binder()));
    }

    @Override
    public Optional<ChatRecord> get(String id) {
        Objects.requireNonNull(id, "id");
        return run("read record " + id, c -> ChatLogSql.records(c, "SELECT record::text FROM chat_log WHERE id = ?",
                ps -> ps.setString(1, id))).stream().findFirst();
    }

    @Override
    public long deleteConversation(String conversationId, String user) {
        Objects.requireNonNull(conversationId, "conversationId");
        return run("delete conversation " + conversationId, c -> {
            try (java.sql.PreparedStatement ps = c.prepareStatement("DELETE FROM chat_log WHERE " + CONVERSATION + " = ?"
                    + (user == null ? "" : " AND user_email = ?"))) {
                ps.setString(1, conversationId);
                if (user != null) {
                    ps.setString(2, user);
                }
                return (long) ps.executeUpdate();
            }
        });
    }

    @Override
    public long delete(Instant olderThan) {
        Objects.requireNonNull(olderThan, "olderThan");
        return run("delete records", c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM chat_log WHERE ts < ?")) {
                ps.setObject(1, ChatLogSql.utc(olderThan));
                return (long) ps.executeUpdate();
            }
        });
    }

    private interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    private <T> T run(String what, Work<T> work) {
        if (pool.isClosed()) {
            throw new IllegalStateException("chat log " + describe() + " is closed");
        }
        try (Connection c = pool.getConnection()) {
            return work.run(c);
        } catch (SQLException e) {
            throw new IllegalStateException("chat log " + describe() + ": cannot " + what + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String describe() {
        return "postgres:" + url;
    }

    /** Closes the pool. Idempotent. */
    @Override
    public void close() {
        pool.close();
    }
}
