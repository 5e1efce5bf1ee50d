package dev.ragd.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Records from a SQL database ({@code ragd ingest --sql JDBC_URL --query SQL}): SQLite
 * ({@code jdbc:sqlite:}) or PostgreSQL ({@code jdbc:postgresql:}), read as a stream (a forward-only
 * cursor fetching rows in pages, never the whole result in memory) and mapped like CSV records
 * ({@link RecordOptions}: id, title, text, metadata and deleted columns, by the result's column
 * labels, so the book's quoted names such as {@code "Record ID"} work).
 *
 * <p>With a modified column, only records changed after {@code since} are read: the query is
 * wrapped as {@code SELECT * FROM (query) WHERE CAST("column" AS TEXT) > since}, a text comparison,
 * right for ISO dates and timestamps ({@code 2026-12-01}, {@code 2026-12-01 09:30:00}). Records the
 * query marks deleted are removed from the index, as the book's update script does.
 */
public final class SqlSource {

    static final int FETCH_SIZE = 500;

    private SqlSource() {}

    /**
     * Streams the records to {@code sink}; returns how many were read.
     *
     * @param modifiedColumn a column of the query's result, or null for every record
     * @param since          with {@code modifiedColumn}: read records whose value is after this
     */
    public static int read(String jdbcUrl, String query, String modifiedColumn, String since, RecordOptions options,
            Consumer<SourceDocument> sink) {
        if (jdbcUrl == null || !(jdbcUrl.startsWith("jdbc:sqlite:") || jdbcUrl.startsWith("jdbc:postgresql:"))) {
            throw new IngestException("--sql must be a jdbc:sqlite: or jdbc:postgresql: URL, not " + masked(jdbcUrl));
        }
        if (query == null || query.isBlank()) {
            throw new IngestException("--sql needs --query (the SELECT that returns the records)");
        }
        String sql = modifiedColumn == null ? query.strip().replaceAll(";\\s*$", "")
                : "SELECT * FROM (" + query.strip().replaceAll(";\\s*$", "") + ") AS ragd_records WHERE CAST("
                        + quoted(modifiedColumn) + " AS TEXT) > ?";
        String name = masked(jdbcUrl);
        RecordMapper mapper = new RecordMapper(options, name);
        int n = 0;
        try (Connection c = DriverManager.getConnection(jdbcUrl)) {
            c.setAutoCommit(false); // PostgreSQL streams with a cursor only inside a transaction
            try (PreparedStatement st = c.prepareStatement(sql, ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY)) {
                st.setFetchSize(FETCH_SIZE);
                if (modifiedColumn != null) {
                    st.setString(1, since);
                }
                try (ResultSet rs = st.executeQuery()) {
                    ResultSetMetaData meta = rs.getMetaData();
                    List<String> columns = new ArrayList<>();
                    for (int i = 1; i <= meta.getColumnCount(); i++) {
                        columns.add(meta.getColumnLabel(i));
                    }
                    mapper.checkColumns(columns, name);
                    while (rs.next()) {
                        Map<String, JsonNode> row = new LinkedHashMap<>();
                        for (int i = 0; i < columns.size(); i++) {
                            row.put(columns.get(i), RecordMapper.text(rs.getString(i + 1)));
                        }
                        n++;
                        sink.accept(mapper.map(row, "row " + n));
                    }
                }
            }
            c.rollback(); // read only: nothing to keep
        } catch (SQLException e) {
            throw new IngestException(name + ": " + e.getMessage(), e);
        }
        return n;
    }

    /** A column name as a SQL identifier: double-quoted, inner quotes doubled (SQLite and PostgreSQL alike). */
    static String quoted(String column) {
        return "\"" + column.replace("\"", "\"\"") + "\"";
    }

    /** The URL with any password parameter hidden, for messages. */
    static String masked(String jdbcUrl) {
        return jdbcUrl == null ? "(none)" : jdbcUrl.replaceAll("(?i)(password=)[^&;]*", "$1****")
                .replaceAll("//([^/@:]+):[^/@]*@", "//$1:****@");
    }
}
