package dev.ragd.e2e.pg;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ragd.chatlog.QueuedChatLog;
import dev.ragd.testsupport.RunningApp;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.LongSummaryStatistics;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real ragd against a real PostgreSQL that is stopped for several seconds in the middle of 30
 * concurrent questions: answers keep finishing (their end frames say {@code logged: queued}),
 * readiness turns red while the retry queue is past its threshold, and once PostgreSQL is back every
 * answer the clients saw finish is in {@code chat_log} exactly once, with the text they saw.
 */
class PostgresOutageE2ETest {

    static final long OUTAGE_MS = 5_000;

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
    void answersFinishedWhilePostgresIsDownReachItExactlyOnceAfterItRestarts() throws Exception {
        Map<String, String> env = new HashMap<>(pg.ragdEnv());
        env.putAll(Map.of("RAGD_EXTRACTIVE_TOKEN_MS", "40", "RAGD_CHATLOG_QUEUE_CAPACITY", "100",
                "RAGD_CHATLOG_QUEUE_READY_THRESHOLD", "5"));
        try (RunningApp app = RunningApp.start(env); ReadyzProbe readyz = new ReadyzProbe(app.port())) {
            QueuedChatLog queue = app.app().chatLog();

            // given: eight answers stored while PostgreSQL is up
            List<Chats.Answer> before = Chats.all(wave(app, "load-up-", 8));

            // when: PostgreSQL stops as soon as the first of eight answers streams; four questions arrive
            // right after the stop, five more once the queue holds records (so they skip the store's 3 s timeout)
            List<Chats.Asked> streaming = wave(app, "load-cut-", 8);
            CompletableFuture.anyOf(streaming.stream().map(Chats.Asked::firstToken).toArray(CompletableFuture[]::new))
                    .get(30, TimeUnit.SECONDS);
            long stopBegan = System.nanoTime();
            pg.stop();
            long stopped = System.nanoTime();
            List<Chats.Asked> during = wave(app, "load-down-", 4);
            List<Chats.Answer> cut = Chats.all(streaming);
            assertThat(queue.queued()).as("the first failed writes queued their records").isPositive();
            List<Chats.Answer> late = Chats.all(wave(app, "load-late-", 5));
            List<Chats.Answer> down = Chats.all(during);
            int queuedAtPeak = queue.queued();
            ReadyzProbe.Sample peakReadyz = readyz.now();
            TimeUnit.NANOSECONDS.sleep(Math.max(0, stopBegan + TimeUnit.MILLISECONDS.toNanos(OUTAGE_MS) - System.nanoTime()));
            long restartBegan = System.nanoTime();
            pg.start();
            long restarted = System.nanoTime();
            awaitEmptyQueue(queue);
            long flushed = System.nanoTime();
            ReadyzProbe.Sample afterRecovery = readyz.now();

            // and: five more after recovery
            List<Chats.Answer> after = Chats.all(wave(app, "load-back-", 5));

            List<Chats.Answer> all = Stream.of(before, cut, down, late, after).flatMap(List::stream).toList();
            List<Chats.Answer> inOutage = Stream.of(cut, down, late).flatMap(List::stream).toList();
            report(stopBegan, stopped, restartBegan, restarted, flushed, queuedAtPeak, before,
                    Stream.concat(cut.stream(), down.stream()).toList(), late, after, queue);

            // then: every answer ended normally; the ones finished during the outage say queued
            assertThat(all).hasSize(30).allSatisfy(a -> assertThat(a.type()).as(a.id() + " " + a.last()).isEqualTo("end"));
            assertThat(inOutage).as("these answers finished while PostgreSQL was down")
                    .allSatisfy(a -> assertThat(a.endNanos()).as(a.id()).isBetween(stopBegan, restartBegan));
            assertThat(inOutage).allSatisfy(a -> assertThat(a.logged()).as(a.id()).isEqualTo("queued"));
            assertThat(before).allSatisfy(a -> assertThat(a.logged()).as(a.id()).isEqualTo("stored"));
            assertThat(after).allSatisfy(a -> assertThat(a.logged()).as(a.id()).isEqualTo("stored"));
            assertThat(queuedAtPeak).isEqualTo(17);

            // and: readiness was green before, red while 17 records were queued (threshold 5), green after the flush
            assertThat(readyz.between(0, stopBegan)).isNotEmpty().allSatisfy(s -> assertThat(s.status()).isEqualTo(200));
            assertThat(peakReadyz.status()).isEqualTo(503);
            assertThat(new JsonObject(peakReadyz.body()).getJsonObject("reasons").getString("chat_log"))
                    .contains("17 records queued").contains("postgres:");
            assertThat(readyz.between(stopBegan, restartBegan)).extracting(ReadyzProbe.Sample::status).contains(503);
            assertThat(afterRecovery.status()).as(afterRecovery.body()).isEqualTo(200);

            // and: PostgreSQL holds every answer exactly once, with the streamed text
            Map<String, List<RestartablePostgres.Row>> rows = pg.rowsByRequestId("load-");
            assertThat(rows.keySet()).containsExactlyInAnyOrderElementsOf(all.stream().map(Chats.Answer::id).toList());
            for (Chats.Answer a : all) {
                assertThat(rows.get(a.id())).as(a.id()).singleElement().satisfies(r -> {
                    assertThat(r.status()).isEqualTo("completed");
                    assertThat(r.logId()).isEqualTo(a.logId());
                    assertThat(r.finalAnswer()).isEqualTo(a.text()).isNotBlank();
                });
            }
            QueuedChatLog.Counters c = queue.counters();
            System.out.printf("readyz: first 503 %d ms after the stop began, back to 200 %d ms after the restart%n",
                    firstStatusAfter(readyz, 503, stopBegan), firstStatusAfter(readyz, 200, restarted));
            assertThat(c.rejected()).isZero();
            assertThat(c.writtenDirectly()).isEqualTo(13);
            assertThat(c.flushedLater()).isEqualTo(17);
        }
    }

    @Test
    void stoppingRagdDuringAnOutageWaitsForPostgresAndFlushesTheQueueIntoIt() throws Exception {
        Map<String, String> env = new HashMap<>(pg.ragdEnv());
        env.putAll(Map.of("RAGD_EXTRACTIVE_TOKEN_MS", "40", "RAGD_SHUTDOWN_FLUSH_MS", "30000"));
        RunningApp app = RunningApp.start(env);
        try {
            // given: three answers finished while PostgreSQL is down, so their records wait in the queue
            pg.stop();
            List<Chats.Asked> asked = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                asked.add(Chats.ask(app.clientVertx(), app.port(), "shut-" + i, Chats.question(i)));
            }
            List<Chats.Answer> answers = Chats.all(asked);
            assertThat(answers).allSatisfy(a -> assertThat(a.logged()).as(a.id()).isEqualTo("queued"));
            assertThat(app.app().chatLog().queued()).isEqualTo(3);

            // when: ragd is stopped, and PostgreSQL comes back a second later
            long closeBegan = System.nanoTime();
            CompletableFuture<Void> closing = CompletableFuture.runAsync(app.app()::close);
            Thread.sleep(1_000);
            assertThat(closing).as("close waits for the store while records are queued").isNotDone();
            long restartBegan = System.nanoTime();
            pg.start();
            long restarted = System.nanoTime();
            closing.get(60, TimeUnit.SECONDS);
            long closed = System.nanoTime();
            System.out.printf("shutdown during outage: close took %d ms, of which %d ms after PostgreSQL was back"
                    + " (restart took %d ms)%n", ms(closed - closeBegan), ms(closed - restarted), ms(restarted - restartBegan));

            // then: the queued records reached PostgreSQL before ragd stopped
            Map<String, List<RestartablePostgres.Row>> rows = pg.rowsByRequestId("shut-");
            assertThat(rows).hasSize(3);
            for (Chats.Answer a : answers) {
                assertThat(rows.get(a.id())).as(a.id()).singleElement().satisfies(r -> {
                    assertThat(r.status()).isEqualTo("completed");
                    assertThat(r.logId()).isEqualTo(a.logId());
                    assertThat(r.finalAnswer()).isEqualTo(a.text()).isNotBlank();
                });
            }
        } finally {
            if (!pg.running()) {
                pg.start();
            }
            app.close();
        }
    }

    private static long firstStatusAfter(ReadyzProbe readyz, int status, long fromNanos) {
        return readyz.between(fromNanos, Long.MAX_VALUE).stream().filter(s -> s.status() == status)
                .mapToLong(s -> ms(s.nanos() - fromNanos)).findFirst().orElse(-1);
    }

    private static List<Chats.Asked> wave(RunningApp app, String prefix, int n) {
        List<Chats.Asked> asked = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            asked.add(Chats.ask(app.clientVertx(), app.port(), prefix + i, Chats.question(i)));
        }
        return asked;
    }

    private static void awaitEmptyQueue(QueuedChatLog queue) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (queue.queued() > 0) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("queue not flushed within 60 s of PostgreSQL's restart: " + queue.counters());
            }
            Thread.sleep(10);
        }
    }

    private static void report(long stopBegan, long stopped, long restartBegan, long restarted, long flushed,
                               int queuedAtPeak, List<Chats.Answer> before, List<Chats.Answer> firstInOutage,
                               List<Chats.Answer> late, List<Chats.Answer> after, QueuedChatLog queue) {
        System.out.printf("postgres outage: stop took %d ms, down %d ms (stop began to restart done), restart took %d ms;"
                        + " queue peak %d, flushed %d ms after the restart; %s%n",
                ms(stopped - stopBegan), ms(restarted - stopBegan), ms(restarted - restartBegan), queuedAtPeak,
                ms(flushed - restarted), queue.counters());
        System.out.printf("last token -> end frame (ms): before %s; outage, queue still empty %s;"
                        + " outage, queue not empty %s; after %s%n", stats(before), stats(firstInOutage), stats(late), stats(after));
    }

    private static String stats(List<Chats.Answer> answers) {
        LongSummaryStatistics s = answers.stream().mapToLong(Chats.Answer::endLatencyMs).summaryStatistics();
        return String.format("min %d avg %.0f max %d", s.getMin(), s.getAverage(), s.getMax());
    }

    private static long ms(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }
}
