package dev.ragd.ops.bench;

import static dev.ragd.ops.bench.Percentiles.ms;

import com.sun.management.OperatingSystemMXBean;
import dev.ragd.chatlog.ChatLogQuery;
import dev.ragd.chatlog.ChatRecord;
import dev.ragd.chatlog.ChatRecordJson;
import dev.ragd.chatlog.FileChatLog;
import dev.ragd.chatlog.SearchResult;
import dev.ragd.testsupport.ChatRecords;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * File (SQLite) chat-log upsert cost through {@link FileChatLog}: a fixed number of ~2.8 KB records
 * (random UUID ids, 100 users, 5 search hits) written from 1 and 16 threads into a fresh store each,
 * after a warm-up store. Prints {@code name=value} lines: records/s, p50/p95/p99 latency, and CPU
 * per record, both for the writer threads alone ({@code writer_cpu_ms_per_record}, what the
 * {@code ragd-chatlog} threads pay) and for the whole process over the run
 * ({@code process_cpu_ms_per_record}: writers plus the store's background threads, GC and JIT).
 *
 * <p>With {@code --rounds R} each writer count runs R times (a fresh store each) and the summary
 * lines give the median round, the other rounds in brackets: on a shared 2-core box one round's
 * CPU figure moves by +-30% with the neighbours' load.
 *
 * <p>Usage: {@code FileChatLogBench [--records N] [--writers 1,16] [--rounds R] [--dir D]}
 */
public final class FileChatLogBench {

    private static final String ANSWER = "Reciprocal rank fusion combines the BM25 and vector rankings [1]; "
            + "each list contributes 1/(k + rank) per document [2]. ";

    private FileChatLogBench() {}

    public static void main(String[] args) throws Exception {
        int records = 20_000;
        int[] writerCounts = {1, 16};
        int rounds = 1;
        Path dir = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--records" -> records = Integer.parseInt(args[++i]);
                case "--writers" -> writerCounts = Arrays.stream(args[++i].split(",")).mapToInt(Integer::parseInt).toArray();
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--dir" -> dir = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + " (usage: FileChatLogBench [--records N] [--writers 1,16] [--rounds R] [--dir D])");
            }
        }
        Path root = dir != null ? Files.createDirectories(dir) : Files.createTempDirectory("ragd-file-bench");
        out("cores", Runtime.getRuntime().availableProcessors());
        out("record_json_chars", ChatRecordJson.toJson(record(0, 0)).length());
        try {
            run(root.resolve("warmup"), 4, Math.min(records, 5_000), null);
            List<String[]> summary = new ArrayList<>();
            for (int round = 0; round < rounds; round++) {
                for (int writers : writerCounts) {
                    Result r = run(root.resolve("r" + round + "w" + writers), writers, records, "file_w" + writers + "_");
                    summary.add(new String[] {"file_w" + writers, Double.toString(r.processCpuMs()),
                            Double.toString(r.writerCpuMs()), Double.toString(r.perSecond())});
                }
            }
            if (rounds > 1) {
                for (int writers : writerCounts) {
                    String name = "file_w" + writers;
                    List<String[]> mine = summary.stream().filter(s -> s[0].equals(name)).toList();
                    out(name + "_median_process_cpu_ms_per_record", median(mine, 1));
                    out(name + "_median_writer_cpu_ms_per_record", median(mine, 2));
                    out(name + "_median_records_per_s", median(mine, 3));
                }
            }
        } finally {
            if (dir == null) {
                deleteTree(root);
            }
        }
    }

    /** A realistic record: ~2.8 KB of JSON, random id, one of 100 users, 5 hits. */
    static ChatRecord record(int writer, int n) {
        String question = "How does ragd fuse BM25 and vector results for question " + n + " from writer " + writer + "?";
        ChatRecord base = ChatRecords.record(UUID.randomUUID().toString(), Instant.now(), question, ANSWER.repeat(14));
        List<SearchResult.Hit> hits = new ArrayList<>();
        for (int h = 0; h < 5; h++) {
            hits.add(new SearchResult.Hit("docs/retrieval-" + h + ".md", "docs/retrieval-" + h + ".md#" + (n % 40),
                    "Hybrid retrieval, part " + h, 0.0327868852459016 / (h + 1)));
        }
        return new ChatRecord(base.id(), base.userQuestion(), base.timestamp(), base.finalAnswer(),
                "user" + (n % 100) + "@example.com", List.of(new SearchResult(question, hits)), base.status(),
                base.model(), base.retrievalMs(), base.firstTokenMs(), base.totalMs(), base.promptTokens(),
                base.completionTokens());
    }

    /** One round's figures. */
    private record Result(double processCpuMs, double writerCpuMs, double perSecond) {}

    private static String median(List<String[]> rows, int column) {
        double[] v = rows.stream().mapToDouble(r -> Double.parseDouble(r[column])).sorted().toArray();
        return String.format(Locale.ROOT, "%.3f %s", Percentiles.of(v, 50), Arrays.toString(v));
    }

    private static Result run(Path dir, int writers, int records, String prefix) throws Exception {
        ThreadMXBean threadBean = ManagementFactory.getThreadMXBean();
        OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        Result result;
        try (FileChatLog log = new FileChatLog(dir)) {
            long[][] latencies = new long[writers][];
            long[] writerCpu = new long[writers];
            AtomicInteger next = new AtomicInteger();
            CountDownLatch start = new CountDownLatch(1);
            List<Thread> threads = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                int writer = w;
                threads.add(Thread.ofPlatform().name("bench-writer-" + w).start(() -> {
                    long[] mine = new long[records / writers + 16];
                    int n = 0;
                    try {
                        start.await();
                        long cpu0 = threadBean.getCurrentThreadCpuTime();
                        for (int i = next.getAndIncrement(); i < records; i = next.getAndIncrement()) {
                            ChatRecord r = record(writer, i);
                            long t0 = System.nanoTime();
                            log.upsert(r);
                            if (n == mine.length) {
                                mine = Arrays.copyOf(mine, n * 2);
                            }
                            mine[n++] = System.nanoTime() - t0;
                        }
                        writerCpu[writer] = threadBean.getCurrentThreadCpuTime() - cpu0;
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    latencies[writer] = Arrays.copyOf(mine, n);
                }));
            }
            long cpu0 = os.getProcessCpuTime();
            long t0 = System.nanoTime();
            start.countDown();
            for (Thread t : threads) {
                t.join();
            }
            double elapsed = (System.nanoTime() - t0) / 1e9;
            long processCpu = os.getProcessCpuTime() - cpu0;
            result = new Result(processCpu / 1e6 / records, Arrays.stream(writerCpu).sum() / 1e6 / records,
                    records / elapsed);
            if (prefix == null) {
                return result;
            }
            long[] all = Arrays.stream(latencies).flatMapToLong(Arrays::stream).sorted().toArray();
            out(prefix + "records", all.length);
            out(prefix + "seconds", String.format(Locale.ROOT, "%.2f", elapsed));
            out(prefix + "records_per_s", String.format(Locale.ROOT, "%.0f", all.length / elapsed));
            out(prefix + "p50_ms", ms(Percentiles.of(all, 50)));
            out(prefix + "p95_ms", ms(Percentiles.of(all, 95)));
            out(prefix + "p99_ms", ms(Percentiles.of(all, 99)));
            out(prefix + "writer_cpu_ms_per_record", perRecord(Arrays.stream(writerCpu).sum(), all.length));
            out(prefix + "process_cpu_ms_per_record", perRecord(processCpu, all.length));
            long r0 = System.nanoTime();
            int found = log.find(ChatLogQuery.all(20).withUser("user7@example.com")).size();
            out(prefix + "find_user_last20_ms", ms(System.nanoTime() - r0) + " (" + found + " records)");
        }
        out(prefix + "db_file_mb", String.format(Locale.ROOT, "%.1f", ChatLogSoak.treeSize(dir) / 1e6));
        return result;
    }

    private static String perRecord(long cpuNanos, int records) {
        return String.format(Locale.ROOT, "%.3f", cpuNanos / 1e6 / Math.max(1, records));
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
