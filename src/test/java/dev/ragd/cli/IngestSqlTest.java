package dev.ragd.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ragd.retrieval.Embedders;
import dev.ragd.retrieval.LuceneIndex;
import dev.ragd.retrieval.LuceneRetriever;
import dev.ragd.retrieval.Passage;
import dev.ragd.retrieval.SearchMode;
import dev.ragd.testsupport.TestEmbedders;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ragd ingest --sql}: the book's {@code products.db} shape (quoted column names, a deleted
 * flag, a modified date) from SQLite and from PostgreSQL, all records, then only the changed ones.
 */
class IngestSqlTest {

    static final String CREATE = "CREATE TABLE Products (\"Record ID\" INTEGER PRIMARY KEY, \"Product Name\" TEXT,"
            + " \"Product Description\" TEXT, \"Technical Specifications\" TEXT, \"Manufacturer\" TEXT,"
            + " \"Date Modified\" TEXT, \"Deleted\" INTEGER)";
    static final String[] BOOK_OPTIONS = {"--query", "SELECT * FROM Products", "--id-column", "Record ID",
            "--title-column", "Product Name", "--text-columns", "Product Description,Technical Specifications",
            "--metadata-columns", "Manufacturer", "--deleted-column", "Deleted"};

    @TempDir
    Path work;

    private final Map<String, String> env = new HashMap<>();

    private record Result(int code, String out, String err) {}

    private Result ingest(String jdbcUrl, String... more) {
        env.putIfAbsent("RAGD_DATA_DIR", work.resolve("data").toString());
        List<String> args = new ArrayList<>(List.of("ingest", "--sql", jdbcUrl));
        args.addAll(List.of(BOOK_OPTIONS));
        args.addAll(List.of(more));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = RagdCli.run(new PrintWriter(out, true), new PrintWriter(err, true), args.toArray(String[]::new), env, work);
        return new Result(code, out.toString(), err.toString());
    }

    static void sql(String jdbcUrl, String... statements) throws Exception {
        try (Connection c = DriverManager.getConnection(jdbcUrl); Statement st = c.createStatement()) {
            for (String s : statements) {
                st.execute(s);
            }
        }
    }

    static String row(int id, String name, String description, String maker, String modified, int deleted) {
        return "INSERT INTO Products VALUES (" + id + ", '" + name + "', '" + description + "', 'Weight: 1 kg', '" + maker
                + "', '" + modified + "', " + deleted + ")";
    }

    private List<Passage> search(String query) {
        try (LuceneIndex index = LuceneIndex.open(work.resolve("data/index"), Embedders.LOCAL_NAME, 384)) {
            return new LuceneRetriever(index, TestEmbedders.fake("unused"), SearchMode.KEYWORD).retrieve(query, 10);
        }
    }

    void allThenOnlyTheChanged(String jdbcUrl) throws Exception {
        sql(jdbcUrl, CREATE, row(1, "Hasty Pants", "Trousers that dry in minutes.", "Acme", "2026-11-01", 0),
                row(2, "Zephyr Kettle", "Keeps water hot for twelve hours.", "Zephyr", "2026-11-01", 0),
                row(3, "Old Lamp", "No longer sold.", "Nimbus", "2026-11-01", 1));

        Result all = ingest(jdbcUrl);

        assertThat(all.code()).as(all.err()).isZero();
        assertThat(all.out()).contains("ingested documents=2 chunks=2 skipped=0 removed=0");
        Passage kettle = search("kettle").getFirst();
        assertThat(kettle.docId()).isEqualTo("2");
        assertThat(kettle.title()).isEqualTo("Zephyr Kettle");
        assertThat(kettle.text()).contains("Keeps water hot for twelve hours.").contains("Weight: 1 kg")
                .contains("Manufacturer: Zephyr");

        sql(jdbcUrl, "UPDATE Products SET \"Product Description\" = 'Keeps water hot for a whole day.',"
                + " \"Date Modified\" = '2026-12-02' WHERE \"Record ID\" = 2",
                "UPDATE Products SET \"Deleted\" = 1, \"Date Modified\" = '2026-12-02' WHERE \"Record ID\" = 1");
        Result changed = ingest(jdbcUrl, "--modified-column", "Date Modified", "--since", "2026-12-01");

        assertThat(changed.code()).as(changed.err()).isZero();
        assertThat(changed.out()).as("the unchanged old lamp is not even read")
                .contains("ingested documents=1 chunks=1 skipped=0 removed=1");
        assertThat(search("kettle").getFirst().text()).contains("a whole day");
        assertThat(search("trousers pants")).isEmpty();
    }

    @Test
    void theBooksProductsDatabaseFromSqlite() throws Exception {
        allThenOnlyTheChanged("jdbc:sqlite:" + work.resolve("products.db"));
    }

    @Test
    void theSameTableFromPostgresqlWithThePasswordNeverShown() throws Exception {
        try (EmbeddedPostgres pg = EmbeddedPostgres.builder().start()) {
            String url = pg.getJdbcUrl("postgres", "postgres") + "&password=s3cret-pw";
            allThenOnlyTheChanged(url);

            Result bad = ingest(url, "--modified-column", "No Such Column", "--since", "2026-01-01");
            assertThat(bad.code()).isEqualTo(1);
            assertThat(bad.err()).contains("No Such Column").contains("password=****").doesNotContain("s3cret-pw");
        }
    }

    @Test
    void eachBadSqlOptionIsRefusedNamingIt() {
        env.put("RAGD_DATA_DIR", work.resolve("data").toString());
        assertThat(run("ingest", "--sql", "jdbc:sqlite:x.db")).contains("--sql needs --query");
        assertThat(run("ingest", "--sql", "jdbc:sqlite:x.db", "--query", "SELECT 1", "docs"))
                .contains("give files or --sql, not both");
        assertThat(run("ingest", "--query", "SELECT 1", "docs")).contains("--query, --modified-column and --since need --sql");
        assertThat(run("ingest", "--sql", "jdbc:sqlite:x.db", "--query", "SELECT 1", "--since", "2026-01-01"))
                .contains("--modified-column and --since go together");
        assertThat(run("ingest")).contains("give files or folders to ingest, or --sql JDBC_URL --query SQL");
        assertThat(run("ingest", "--sql", "mysql://u:pw@h/db", "--query", "SELECT 1"))
                .contains("--sql must be a jdbc:sqlite: or jdbc:postgresql: URL").doesNotContain(":pw@");
    }

    private String run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = RagdCli.run(new PrintWriter(out, true), new PrintWriter(err, true), args, env, work);
        assertThat(code).as(String.join(" ", args)).isNotZero();
        return err.toString();
    }
}
