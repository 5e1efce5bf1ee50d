package dev.ragd.chatlog;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * The SQL the H2 store (read by the migration) and PostgreSQL use for {@link ChatLog#find}: a table with
 * {@code id}, {@code ts}, {@code user_email}, {@code status} and {@code record} columns and an index
 * on {@code (ts, id)}. The cursor is a row-value comparison, so the index range starts at it.
 */
final class ChatLogSql {

    /** Binds a statement's parameters. */
    interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    /** A statement and its parameters. */
    record Statement(String sql, Binder binder) {}

    private ChatLogSql() {}

    /** Runs a query whose single column is a record's JSON, and parses the rows in order. */
    static List<ChatRecord> records(Connection c, String sql, Binder binder) throws SQLException {
        List<ChatRecord> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            binder.bind(ps);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(ChatRecordJson.fromJson(rs.getString(1)));
                }
            }
        }
        return out;
    }

    static OffsetDateTime utc(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    /**
     * {@code SELECT <recordColumn> FROM <table> WHERE ... ORDER BY ts DESC, id DESC LIMIT ?}.
     *
     * @param ratingExpr the SQL expression for the record's feedback rating; only used (and then
     *                   required) when {@code q} filters by feedback
     */
    static Statement find(String table, String recordColumn, String ratingExpr, ChatLogQuery q) {
        return find(table, recordColumn, ratingExpr, null, q);
    }

    /** As above; {@code conversationExpr} is the record's conversation id, required when {@code q} filters by a conversation or by openers. */
    static Statement find(String table, String recordColumn, String ratingExpr, String conversationExpr, ChatLogQuery q) {
        List<String> where = new ArrayList<>();
        List<Object> params = new ArrayList<>();
        if (q.user() != null) {
            where.add("user_email = ?");
            params.add(q.user());
        }
        if (q.since() != null) {
            where.add("ts >= ?");
            params.add(utc(q.since()));
        }
        if (q.status() != null) {
            where.add("status = ?");
            params.add(q.status().name());
        }
        if (q.feedback() != null) {
            where.add(java.util.Objects.requireNonNull(ratingExpr, "ratingExpr") + " = ?");
            params.add(q.feedback().name());
        }
        if (q.conversation() != null) {
            where.add(java.util.Objects.requireNonNull(conversationExpr, "conversationExpr") + " = ?");
            params.add(q.conversation());
        }
        if (q.openers()) {
            where.add("id = " + java.util.Objects.requireNonNull(conversationExpr, "conversationExpr"));
        }
        if (q.after() != null) {
            where.add("(ts, id) < (?, ?)");
            params.add(utc(q.after().timestamp()));
            params.add(q.after().id());
        }
        params.add(q.limit());
        String sql = "SELECT " + recordColumn + " FROM " + table
                + (where.isEmpty() ? "" : " WHERE " + String.join(" AND ", where))
                + " ORDER BY ts DESC, id DESC LIMIT ?";
        return new Statement(sql, ps -> {
            for (int i = 0; i < params.size(); i++) {
                ps.setObject(i + 1, params.get(i));
            }
        });
    }
}
