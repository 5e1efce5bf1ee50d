package dev.ragd.e2e.pg;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
        int port = freePort();
        Path output = dir.resolve("serve.log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED",
                "--add-modules", "jdk.incubator.vector", "-cp", System.getProperty("java.class.path"),
                "dev.ragd.Main", "serve")
                .redirectErrorStream(true).redirectOutput(output.toFile());
        pb.environment().putAll(pg.ragdEnv());
        pb.environment().putAll(Map.of("PORT", Integer.toString(port), "RAGD_HOST", "127.0.0.1",
                "RAGD_DATA_DIR", dir.resolve("data").toString(), "RAGD_EXTRACTIVE_TOKEN_MS", "100",
                "RAGD_LOG_FORMAT", "text"));
        Process process = pb.start();
        Vertx client = Vertx.vertx();
        List<Chats.Answer> answers;
        try {
            awaitServing(process, output);
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
        Map<String, List<RestartablePostgres.Row>> rows = pg.rowsById();
        assertThat(rows).hasSize(2);
        for (Chats.Answer a : answers) {
            assertThat(a.type()).as(a.id() + " " + a.last() + "\n" + log).isEqualTo("end");
            assertThat(a.logged()).isEqualTo("stored");
            assertThat(rows.get(a.id())).as(a.id()).singleElement().satisfies(r -> {
                assertThat(r.status()).isEqualTo("completed");
                assertThat(r.finalAnswer()).isEqualTo(a.text()).isNotBlank();
            });
        }
    }

    private static void awaitServing(Process process, Path output) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            String text = Files.exists(output) ? Files.readString(output, StandardCharsets.UTF_8) : "";
            if (text.contains("ragd is serving")) {
                return;
            }
            if (!process.isAlive()) {
                throw new AssertionError("ragd serve exited with " + process.exitValue() + ":\n" + text);
            }
            Thread.sleep(100);
        }
        throw new AssertionError("ragd serve did not start within 120 s");
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
