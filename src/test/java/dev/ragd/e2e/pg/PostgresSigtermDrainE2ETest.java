package dev.ragd.e2e.pg;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ragd.testsupport.ServeProcess;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ragd serve} as a real child process with its chat log in a real PostgreSQL, stopped with
 * SIGTERM while two answers stream: both finish, the process exits 0, both records are in PostgreSQL.
 */
class PostgresSigtermDrainE2ETest {

    @TempDir
    static Path pgData;

    static RestartablePostgres pg;

    @BeforeAll
    static void startPostgres() throws Exception {
        pg = RestartablePostgres.start(pgData);
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        pg.close();
    }

    @Test
    void sigtermMidStreamLetsTheAnswersFinishThenExitsZeroWithTheRecordsInPostgres(@TempDir Path dir) throws Exception {
        int port = ServeProcess.freePort();
        Path output = dir.resolve("serve.log");
        Map<String, String> env = new HashMap<>(pg.ragdEnv());
        env.putAll(Map.of("PORT", Integer.toString(port), "RAGD_HOST", "127.0.0.1",
                "RAGD_DATA_DIR", dir.resolve("data").toString(), "RAGD_EXTRACTIVE_TOKEN_MS", "100",
                "RAGD_LOG_FORMAT", "text"));
        Process process = ServeProcess.start(env, output);
        Vertx client = Vertx.vertx();
        List<Chats.Answer> answers;
        try {
            List<Chats.Asked> asked = List.of(Chats.ask(client, port, "sigterm-1", Chats.question(0)),
                    Chats.ask(client, port, "sigterm-2", Chats.question(1)));
            Chats.awaitFirstTokens(asked);

            long t0 = System.nanoTime();
            assertThat(process.toHandle().destroy()).as("SIGTERM sent").isTrue();

            answers = Chats.all(asked);
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("process exits").isTrue();
            System.out.println("SIGTERM to exit took " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0) + " ms");
            assertThat(answers).allSatisfy(a -> assertThat(a.endNanos()).as("still streaming at SIGTERM").isGreaterThan(t0));
        } finally {
            client.close().await(20, TimeUnit.SECONDS);
            if (process.isAlive()) {
                process.destroyForcibly().waitFor(20, TimeUnit.SECONDS);
            }
        }
        String log = Files.readString(output, StandardCharsets.UTF_8);

        assertThat(process.exitValue()).as(log).isZero();
        assertThat(log).contains("postgres chat log opened").contains("shutdown: draining").contains("shutdown: done");
        Map<String, List<RestartablePostgres.Row>> rows = pg.rowsByRequestId();
        assertThat(rows).hasSize(2);
        for (Chats.Answer a : answers) {
            assertThat(a.type()).as(a.id() + " " + a.last() + "\n" + log).isEqualTo("end");
            assertThat(a.logged()).isEqualTo("stored");
            assertThat(rows.get(a.id())).as(a.id()).singleElement().satisfies(r -> {
                assertThat(r.status()).isEqualTo("completed");
                assertThat(r.logId()).isEqualTo(a.logId());
                assertThat(r.finalAnswer()).isEqualTo(a.text()).isNotBlank();
            });
        }
    }


}
