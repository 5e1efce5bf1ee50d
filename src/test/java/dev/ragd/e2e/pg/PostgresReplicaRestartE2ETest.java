package dev.ragd.e2e.pg;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ragd.chatlog.ChatRecord;
import dev.ragd.chatlog.ChatRecordJson;
import dev.ragd.cli.RagdCli;
import dev.ragd.testsupport.RunningApp;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two ragd replicas sharing one real PostgreSQL chat log, one of them restarted (graceful close, then
 * a fresh replica) in the middle of a run: the answers in flight on the stopping replica finish, and
 * every answer of the run is stored exactly once and readable through either replica and
 * {@code ragd logs}.
 */
class PostgresReplicaRestartE2ETest {

    static final int PER_WAVE = 10;

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

    static Map<String, String> env() {
        Map<String, String> env = new HashMap<>(pg.ragdEnv());
        env.putAll(Map.of("RAGD_EXTRACTIVE_TOKEN_MS", "40", "RAGD_SHUTDOWN_GRACE_MS", "15000"));
        return env;
    }

    @Test
    void restartingOneReplicaMidRunLosesAndDuplicatesNoRecord(@TempDir Path cliDir) throws Exception {
        List<Chats.Answer> answers = new ArrayList<>();
        List<Chats.Answer> drainedOnA;
        long closeBegan;
        long drainMs;
        try (RunningApp b = RunningApp.start(env())) {
            try (RunningApp a = RunningApp.start(env())) {
                // given: a first wave spread over both replicas
                answers.addAll(Chats.all(wave(List.of(a, b), "w1")));

                // when: replica A is stopped while a second wave streams on both
                List<Chats.Asked> onA = new ArrayList<>();
                List<Chats.Asked> onB = new ArrayList<>();
                for (int i = 0; i < PER_WAVE; i++) {
                    RunningApp target = i % 2 == 0 ? a : b;
                    Chats.Asked asked = Chats.ask(target.clientVertx(), target.port(), "w2-" + (target == a ? "a" : "b") + i,
                            Chats.question(i));
                    (target == a ? onA : onB).add(asked);
                }
                Chats.awaitFirstTokens(onA);
                Chats.awaitFirstTokens(onB);
                closeBegan = System.nanoTime();
                CompletableFuture<Long> closing = CompletableFuture.supplyAsync(() -> {
                    long t0 = System.nanoTime();
                    a.app().close();
                    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
                });
                drainedOnA = Chats.all(onA);
                answers.addAll(drainedOnA);
                answers.addAll(Chats.all(onB));
                drainMs = closing.get(60, TimeUnit.SECONDS);
            }
            // and: a new replica A' takes A's share of the third wave
            try (RunningApp a2 = RunningApp.start(env())) {
                answers.addAll(Chats.all(wave(List.of(a2, b), "w3")));

                // then: every answer ended normally with its record stored
                System.out.printf("replica A drained %d in-flight answers in %d ms%n", drainedOnA.size(), drainMs);
                assertThat(answers).hasSize(3 * PER_WAVE).allSatisfy(x -> {
                    assertThat(x.type()).as(x.id() + " " + x.last()).isEqualTo("end");
                    assertThat(x.logged()).as(x.id()).isEqualTo("stored");
                });
                assertThat(drainedOnA).as("A's answers were still streaming when its close began")
                        .allSatisfy(x -> assertThat(x.endNanos()).isGreaterThan(closeBegan));
                assertThat(drainMs).as("A's close ended because its answers finished, not at the 15 s grace")
                        .isLessThan(15_000);

                // and: PostgreSQL holds each exactly once, with the streamed text
                Map<String, List<RestartablePostgres.Row>> rows = pg.rowsByRequestId();
                List<String> ids = answers.stream().map(Chats.Answer::id).toList();
                assertThat(rows.keySet()).containsExactlyInAnyOrderElementsOf(ids);
                for (Chats.Answer x : answers) {
                    assertThat(rows.get(x.id())).as(x.id()).singleElement().satisfies(r -> {
                        assertThat(r.status()).isEqualTo("completed");
                        assertThat(r.logId()).isEqualTo(x.logId());
                        assertThat(r.finalAnswer()).isEqualTo(x.text()).isNotBlank();
                    });
                }

                // and: either running replica reads the records written by all three
                for (RunningApp replica : List.of(b, a2)) {
                    assertThat(replica.app().chatLog().recent(100)).extracting(ChatRecord::requestId)
                            .containsExactlyInAnyOrderElementsOf(ids);
                }
            }
        }

        // and: so does `ragd logs --format jsonl`, one JSON line per record
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = RagdCli.run(new PrintWriter(out, true), new PrintWriter(err, true),
                new String[] {"logs", "--format", "jsonl"}, env(), cliDir);
        assertThat(exit).as(err.toString()).isZero();
        List<ChatRecord> listed = out.toString().lines().map(ChatRecordJson::fromJson).toList();
        assertThat(listed).extracting(ChatRecord::id).doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(answers.stream().map(Chats.Answer::logId).toList());
        Map<String, String> streamed = new HashMap<>();
        answers.forEach(x -> streamed.put(x.logId(), x.text()));
        assertThat(listed).allSatisfy(r -> assertThat(r.finalAnswer()).as(r.id()).isEqualTo(streamed.get(r.id())));
    }

    /** {@link #PER_WAVE} questions, alternating between the replicas. */
    private static List<Chats.Asked> wave(List<RunningApp> replicas, String prefix) {
        List<Chats.Asked> asked = new ArrayList<>();
        for (int i = 0; i < PER_WAVE; i++) {
            RunningApp r = replicas.get(i % replicas.size());
            asked.add(Chats.ask(r.clientVertx(), r.port(), prefix + "-" + i, Chats.question(i)));
        }
        return asked;
    }
}
