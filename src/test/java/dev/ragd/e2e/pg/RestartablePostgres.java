package dev.ragd.e2e.pg;

import dev.ragd.testsupport.ServeProcess;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A real PostgreSQL 14 (embedded binaries, no Docker) on a fixed data directory and port, so it can
 * be stopped ({@code pg_ctl stop -m fast}: sessions are cut) and started again with its data, the
 * way a database failover or restart looks to ragd.
 */
final class RestartablePostgres implements AutoCloseable {

    /** One row of {@code chat_log} as stored. */
    /** A chat_log row: its key (the record's log id), the client's request id, status and answer. */
    record Row(String logId, String requestId, String status, String finalAnswer) {}

    private final Path dataDir;
    private final int port;
    private EmbeddedPostgres pg;

    private RestartablePostgres(Path dataDir, int port) {
        this.dataDir = dataDir;
        this.port = port;
    }

    /** Initialises {@code dataDir} and starts PostgreSQL on a free port. */
    static RestartablePostgres start(Path dataDir) throws IOException {
        RestartablePostgres p = new RestartablePostgres(dataDir, ServeProcess.freePort());
        p.start();
        return p;
    }

    /** Starts the server on the same data directory and port (blocks until it accepts connections). */
    void start() throws IOException {
        if (pg != null) {
            throw new IllegalStateException("already running");
        }
        pg = EmbeddedPostgres.builder().setDataDirectory(dataDir).setCleanDataDirectory(false).setPort(port).start();
    }

    /** Stops the server (fast shutdown: open sessions are terminated); the data stays. */
    void stop() throws IOException {
        EmbeddedPostgres running = pg;
        pg = null;
        if (running != null) {
            running.close();
        }
    }

    int port() {
        return port;
    }

    String jdbcUrl() {
        return "jdbc:postgresql://localhost:" + port + "/postgres";
    }

    /** What makes ragd use this server as its chat log. */
    Map<String, String> ragdEnv() {
        return Map.of("RAGD_CHATLOG", "postgres", "RAGD_PG_URL", jdbcUrl(), "RAGD_PG_USER", "postgres",
                "RAGD_PG_POOL_SIZE", "4");
    }

    boolean running() {
        return pg != null;
    }

    /** Every row of {@code chat_log}, grouped by id (a list longer than one would be a duplicate). */
    Map<String, List<Row>> rowsByRequestId() throws SQLException {
        return rowsByRequestId("");
    }

    /**
     * The rows whose client request id starts with {@code prefix}, grouped by request id: a request
     * stored more than once (or under two keys) shows as two rows.
     */
    Map<String, List<Row>> rowsByRequestId(String prefix) throws SQLException {
        Map<String, List<Row>> rows = new LinkedHashMap<>();
        try (Connection c = DriverManager.getConnection(jdbcUrl(), "postgres", "");
                PreparedStatement ps = c.prepareStatement("SELECT id, record->>'request_id', status,"
                        + " record->>'final_answer' FROM chat_log WHERE starts_with(record->>'request_id', ?) ORDER BY id")) {
            ps.setString(1, prefix);
            ResultSet rs = ps.executeQuery();
            while (rs.next()) {
                rows.computeIfAbsent(rs.getString(2), k -> new ArrayList<>())
                        .add(new Row(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)));
            }
        }
        return rows;
    }

    @Override
    public void close() throws IOException {
        stop();
    }

}
