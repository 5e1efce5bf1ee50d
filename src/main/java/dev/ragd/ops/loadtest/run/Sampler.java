package dev.ragd.ops.loadtest.run;

import dev.ragd.ops.loadtest.MetricsDelta;
import dev.ragd.ops.loadtest.PrometheusText;
import dev.ragd.ops.loadtest.StepMetrics;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.stream.DoubleStream;
import java.util.stream.IntStream;

/**
 * Watches the processes under test during one step's measured window: every second it scrapes
 * each replica's {@code /metrics} (when there is one) and reads each process's CPU time and RSS
 * from {@code /proc}. A replica killed and restarted during the window is followed by its new pid;
 * its counters start again from zero, which {@link MetricsDelta} treats as a counter reset.
 */
final class Sampler implements AutoCloseable {

    /** One process under watch: where its metrics are (null: none) and its current pid. */
    record Watched(String metricsUrl, LongSupplier pid) {}

    private final Http http;
    private final List<Watched> watched;
    private final List<List<PrometheusText>> scrapes = new ArrayList<>();
    private final double[] cpuStart;
    private final double[] cpuEnd;
    private final long[] lastPid;
    private final double[] cpuCarried;
    private final long[] rssMax;
    private final boolean[] known;
    private final long startNanos;
    private long endNanos;
    private final Thread thread;
    private volatile boolean stop;

    Sampler(Http http, List<Watched> watched) {
        this.http = http;
        this.watched = List.copyOf(watched);
        int n = watched.size();
        cpuStart = new double[n];
        cpuEnd = new double[n];
        lastPid = new long[n];
        cpuCarried = new double[n];
        rssMax = new long[n];
        known = new boolean[n];
        for (int i = 0; i < n; i++) {
            scrapes.add(new ArrayList<>());
            lastPid[i] = watched.get(i).pid().getAsLong();
            ProcStat s = ProcStat.of(lastPid[i]);
            cpuStart[i] = Math.max(0, s.cpuSeconds());
            cpuEnd[i] = cpuStart[i];
            rssMax[i] = s.rssBytes();
        }
        sample();
        startNanos = System.nanoTime();
        thread = Thread.ofPlatform().daemon().name("loadtest-sampler").start(this::loop);
    }

    private void loop() {
        while (!stop) {
            try {
                Thread.sleep(1_000);
            } catch (InterruptedException e) {
                return;
            }
            if (!stop) {
                sample();
            }
        }
    }

    private synchronized void sample() {
        for (int i = 0; i < watched.size(); i++) {
            Watched w = watched.get(i);
            if (w.metricsUrl() != null) {
                String text = http.get(w.metricsUrl());
                if (text != null) {
                    scrapes.get(i).add(PrometheusText.parse(text));
                }
            }
            long pid = w.pid().getAsLong();
            if (pid != lastPid[i]) { // restarted: keep what the old process used, count the new one from 0
                cpuCarried[i] += cpuEnd[i] - cpuStart[i];
                cpuStart[i] = 0;
                lastPid[i] = pid;
            }
            ProcStat s = ProcStat.of(pid);
            if (s.known()) {
                known[i] = true;
                cpuEnd[i] = s.cpuSeconds();
                rssMax[i] = Math.max(rssMax[i], s.rssBytes());
            }
        }
    }

    /** Takes the last sample and stops. */
    @Override
    public void close() {
        stop = true;
        thread.interrupt();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        sample();
        endNanos = System.nanoTime();
    }

    double seconds() {
        return (endNanos - startNanos) / 1e9;
    }

    /** The busiest process's CPU in cores over the window; -1 unknown. */
    double cpuCoresMax() {
        return cores().max().orElse(-1);
    }

    /** All processes' CPU together, in cores; -1 when none could be read (a remote target). */
    double cpuCoresTotal() {
        double[] each = cores().toArray();
        return each.length == 0 ? -1 : Arrays.stream(each).sum();
    }

    /** Each readable process's CPU over the window, in cores. */
    private DoubleStream cores() {
        double seconds = Math.max(seconds(), 1e-3);
        return IntStream.range(0, watched.size()).filter(i -> known[i])
                .mapToDouble(i -> (cpuCarried[i] + cpuEnd[i] - cpuStart[i]) / seconds);
    }

    long rssMax() {
        long max = -1;
        for (long r : rssMax) {
            max = Math.max(max, r);
        }
        return max;
    }

    /** ragd's metrics over the window, replicas combined; {@link StepMetrics#NONE} without scrapes. */
    synchronized StepMetrics metrics() {
        List<StepMetrics> each = new ArrayList<>();
        for (List<PrometheusText> s : scrapes) {
            if (s.size() >= 2) {
                each.add(StepMetrics.from(MetricsDelta.of(s)));
            }
        }
        return each.isEmpty() ? StepMetrics.NONE : StepMetrics.combine(each);
    }
}
