package dev.ragd.cli;

import dev.ragd.testsupport.FakeCosmos;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Empty chat-log stores of every durable backend, for CLI tests: the embedded {@code file} store in
 * a fresh data directory, a fresh database on an embedded PostgreSQL, and the fake Cosmos DB gateway
 * emptied. Servers start on first use and stop on {@link #close}.
 */
final class StoreBackends implements AutoCloseable {

    static final List<String> ALL = List.of("file", "postgres", "cosmos");

    private final Path dir;
    private EmbeddedPostgres pg;
    private FakeCosmos cosmos;
    private int created;

    StoreBackends(Path dir) {
        this.dir = dir;
    }

    /** The environment of a new, empty store of {@code backend} (with its own data directory). */
    Map<String, String> empty(String backend) throws Exception {
        Path dataDir = Files.createDirectories(dir.resolve("data-" + (++created)));
        Map<String, String> env = new HashMap<>(Map.of("RAGD_DATA_DIR", dataDir.toString()));
        switch (backend) {
            case "file" -> env.put("RAGD_CHATLOG", "file");
            case "postgres" -> {
                if (pg == null) {
                    pg = EmbeddedPostgres.builder().start();
                }
                String name = "import_" + created;
                try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
                    s.execute("CREATE DATABASE " + name);
                }
                env.putAll(Map.of("RAGD_CHATLOG", "postgres", "RAGD_PG_URL",
                        "jdbc:postgresql://localhost:" + pg.getPort() + "/" + name, "RAGD_PG_USER", "postgres",
                        "RAGD_PG_POOL_SIZE", "2"));
            }
            case "cosmos" -> {
                if (cosmos == null) {
                    cosmos = FakeCosmos.start(Files.createDirectories(dir.resolve("cosmos")));
                }
                cosmos.clear();
                env.putAll(cosmos.env());
            }
            default -> throw new IllegalArgumentException(backend);
        }
        return env;
    }

    @Override
    public void close() throws Exception {
        if (pg != null) {
            pg.close();
        }
        if (cosmos != null) {
            cosmos.close();
        }
    }
}
