package dev.ragd.ops.bench;

import static dev.ragd.ops.bench.Percentiles.ms;

import dev.ragd.chatlog.ChatLog;
import dev.ragd.chatlog.ChatLogs;
import dev.ragd.chatlog.ChatRecord;
import dev.ragd.chatlog.ChatRecordJson;
import dev.ragd.config.Env;
import dev.ragd.config.RagdConfig;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.stream.Stream;

/**
 * Chat-log soak: does the store stay small under a sustained write rate, and does it reuse what
 * {@code ragd logs prune} frees? Writes realistic ~3 KB records (like the server's) at a fixed rate
 * for N seconds through {@link ChatLogs#open} (the store {@code RAGD_CHATLOG} would give), samples the
 * store's size on disk every 10 s, prunes the older half of what it wrote at half time, then writes
 * on. Prints {@code name=value} lines; the last one is
 * {@code chatlog_soak bytes_per_record=<x> slope_bytes_per_s=<y> p95_ms=<z>}.
 *
 * <p>{@code bytes_per_record} is the store's size at the end over the records it holds then;
 * {@code json_bytes_per_record} is what those records weigh as JSON, for comparison. The slope is a
 * least-squares fit of the size samples over the last half of the run (after the prune): a store
 * that reuses freed space grows by less than the live data it gained ({@code live_json_bytes_per_s}).
 *
 * <p>Usage: {@code ChatLogSoak [--seconds N] [--rate R] [--store file|postgres] [--writers W] [--dir D]}
 */
public final class ChatLogSoak {

    private static final int SAMPLE_SECONDS = 10;

    private ChatLogSoak() {}

    public static void main(String[] args) throws Exception {
        int seconds = 600;
        int rate = 100;
        int writers = 64;
        String store = "file";
        Path dir = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--seconds" -> seconds = Integer.parseInt(args[++i]);
                case "--rate" -> rate = Integer.parseInt(args[++i]);
                case "--writers" -> writers = Integer.parseInt(args[++i]);
                case "--store" -> store = args[++i];
                case "--dir" -> dir = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i] + " (usage: ChatLogSoak"
                        + " [--seconds N] [--rate R] [--store file|postgres] [--writers W] [--dir D])");
            }
        }
        if (!store.equals("file") && !store.equals("postgres")) {
            throw new IllegalArgumentException("--store must be file or postgres, got '" + store + "'");
        }
        Path root = dir != null ? Files.createDirectories(dir) : Files.createTempDirectory("ragd-soak");
        out("store", store);
        out("seconds", seconds);
        out("rate_per_s", rate);
        out("writers", writers);
        try {
            if (store.equals("file")) {
                Path data = root.resolve("data");
                try (ChatLog log = ChatLogs.open(config(Map.of("RAGD_CHATLOG", "file", "RAGD_DATA_DIR", data.toString())))) {
                    out("describe", log.describe());
                    Path files = ChatLogs.fileDir(config(Map.of("RAGD_DATA_DIR", data.toString())));
                    run(log, () -> treeSize(files), seconds, rate, writers);
                }
            } else {
                try (EmbeddedPostgres pg = EmbeddedPostgres.builder().setServerConfig("synchronous_commit", "on")
                        .setServerConfig("fsync", "on").setServerConfig("max_connections", "300").start()) {
                    String url = "jdbc:postgresql://localhost:" + pg.getPort() + "/postgres";
                    try (ChatLog log = ChatLogs.open(config(Map.of("RAGD_CHATLOG", "postgres", "RAGD_PG_URL", url,
                            "RAGD_PG_USER", "postgres", "RAGD_PG_POOL_SIZE", Integer.toString(writers))))) {
                        out("describe", log.describe());
                        run(log, () -> databaseSize(pg), seconds, rate, writers);
                    }
                }
            }
        } finally {
            if (dir == null) {
                deleteTree(root);
            }
        }
    }

    private static RagdConfig config(Map<String, String> vars) {
        return RagdConfig.from(new Env(vars));
    }

    /** One written record: when it was written, its JSON size, how long the upsert took. */
    private record Write(Instant ts, int jsonBytes, long nanos) {}

    private static void run(ChatLog log, LongSupplier size, int seconds, int rate, int writers) throws Exception {
        ConcurrentLinkedQueue<Write> writes = new ConcurrentLinkedQueue<>();
        AtomicLong slot = new AtomicLong();
        AtomicLong failures = new AtomicLong();
        long start = System.nanoTime();
        long end = start + seconds * 1_000_000_000L;
        double interval = 1e9 / rate;
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            int writer = w;
            threads.add(Thread.ofPlatform().name("soak-writer-" + w).start(() -> {
                // a fixed schedule shared by all writers: record n is due at start + n / rate
                for (long n = slot.getAndIncrement(); ; n = slot.getAndIncrement()) {
                    long due = start + (long) (n * interval);
                    if (due >= end) {
                        return;
                    }
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        try {
                            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                    ChatRecord r = FileChatLogBench.record(writer, (int) n);
                    int bytes = ChatRecordJson.toJson(r).getBytes(StandardCharsets.UTF_8).length;
                    long t0 = System.nanoTime();
                    try {
                        log.upsert(r);
                        writes.add(new Write(r.timestamp(), bytes, System.nanoTime() - t0));
                    } catch (RuntimeException e) {
                        failures.incrementAndGet();
                    }
                }
            }));
        }
        List<double[]> samples = new ArrayList<>(); // {seconds since start, bytes}
        boolean pruned = false;
        double prunedAt = Double.MAX_VALUE;
        long prunedRecords = 0;
        long prunedJson = 0;
        for (int k = 0; ; k++) {
            long at = start + k * SAMPLE_SECONDS * 1_000_000_000L;
            long wait = at - System.nanoTime();
            if (wait > 0) {
                Thread.sleep(wait / 1_000_000);
            }
            double t = (System.nanoTime() - start) / 1e9;
            long bytes = size.getAsLong();
            samples.add(new double[] {t, bytes});
            out("sample", String.format(Locale.ROOT, "t=%.0fs bytes=%d records=%d", t, bytes, writes.size()));
            if (!pruned && t >= seconds / 2.0 - 1) { // a sample lands a few ms either side of its mark
                // prune the older half of what was written so far, as `ragd logs prune` would
                Instant cut = Instant.now().minusMillis((long) (t * 500));
                long p0 = System.nanoTime();
                prunedRecords = log.delete(cut);
                out("prune_ms", ms(System.nanoTime() - p0));
                out("pruned_records", prunedRecords);
                prunedJson = writes.stream().filter(x -> x.ts().isBefore(cut)).mapToLong(Write::jsonBytes).sum();
                prunedAt = (System.nanoTime() - start) / 1e9;
                long after = size.getAsLong();
                samples.add(new double[] {prunedAt, after});
                out("after_prune", "bytes=" + after);
                pruned = true;
            }
            if (System.nanoTime() >= end) {
                break;
            }
        }
        for (Thread th : threads) {
            th.join();
        }
        long finalBytes = size.getAsLong();
        long records = writes.size() - prunedRecords;
        long liveJson = writes.stream().mapToLong(Write::jsonBytes).sum() - prunedJson;
        long[] nanos = writes.stream().mapToLong(Write::nanos).sorted().toArray();
        double bytesPerRecord = finalBytes / (double) Math.max(1, records);
        double from = prunedAt;
        double slope = slope(samples.stream().filter(s -> s[0] >= from).toList());
        double writtenPerS = writes.size() / (double) seconds;
        out("records_written", writes.size());
        out("write_failures", failures.get());
        out("records_per_s", String.format(Locale.ROOT, "%.0f", writtenPerS));
        out("records_live", records);
        out("store_bytes", finalBytes);
        out("json_bytes_live", liveJson);
        out("json_bytes_per_record", String.format(Locale.ROOT, "%.0f", liveJson / (double) Math.max(1, records)));
        out("bytes_per_record", String.format(Locale.ROOT, "%.0f", bytesPerRecord));
        out("store_to_json_ratio", String.format(Locale.ROOT, "%.2f", finalBytes / (double) Math.max(1, liveJson)));
        out("slope_bytes_per_s", String.format(Locale.ROOT, "%.0f", slope));
        out("live_json_bytes_per_s", String.format(Locale.ROOT, "%.0f", writtenPerS * liveJson / Math.max(1, records)));
        out("write_p50_ms", ms(Percentiles.of(nanos, 50)));
        out("write_p95_ms", ms(Percentiles.of(nanos, 95)));
        out("write_p99_ms", ms(Percentiles.of(nanos, 99)));
        System.out.println(String.format(Locale.ROOT, "chatlog_soak bytes_per_record=%.0f slope_bytes_per_s=%.0f p95_ms=%s",
                bytesPerRecord, slope, ms(Percentiles.of(nanos, 95))));
    }

    /** Least-squares slope of bytes over seconds; 0 with fewer than two samples. */
    private static double slope(List<double[]> s) {
        if (s.size() < 2) {
            return 0;
        }
        double mt = s.stream().mapToDouble(x -> x[0]).average().orElse(0);
        double mb = s.stream().mapToDouble(x -> x[1]).average().orElse(0);
        double num = 0;
        double den = 0;
        for (double[] x : s) {
            num += (x[0] - mt) * (x[1] - mb);
            den += (x[0] - mt) * (x[0] - mt);
        }
        return den == 0 ? 0 : num / den;
    }

    /** Bytes of every regular file under {@code dir} (the store's files, lock and journal included). */
    static long treeSize(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            return paths.filter(Files::isRegularFile).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    return 0; // a journal file removed while walking
                }
            }).sum();
        } catch (IOException e) {
            return -1;
        }
    }

    private static long databaseSize(EmbeddedPostgres pg) {
        try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT pg_database_size(current_database())")) {
            rs.next();
            return rs.getLong(1);
        } catch (Exception e) {
            return -1;
        }
    }

    private static void out(String name, Object value) {
        System.out.println(name + "=" + value);
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
