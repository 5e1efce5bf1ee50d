package dev.ragd.ops.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Opens N concurrent streaming chat requests against a running {@code ragd mock-llm} and reports, as
 * name=value lines, how many finished, their time to first byte and total time (percentiles of
 * the finished streams, by {@link Percentiles}), and the server's {@code /mock/stats}. Usage:
 * {@code MockLlmCapacity BASE_URL STREAMS}; {@code bench/mock-llm-capacity.sh} runs it.
 */
public final class MockLlmCapacity {

    private MockLlmCapacity() {}

    public static void main(String[] args) throws Exception {
        int exit = 0;
        try {
            run(args);
        } catch (Exception e) {
            e.printStackTrace();
            exit = 1;
        }
        System.exit(exit); // Vert.x threads are not daemons
    }

    private static void run(String[] args) throws Exception {
        URI base = URI.create(args.length > 0 ? args[0] : "http://127.0.0.1:8100");
        int streams = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
        Vertx vertx = Vertx.vertx();
        HttpClientAgent client = vertx.createHttpClient(new HttpClientOptions().setDefaultHost(base.getHost())
                .setDefaultPort(base.getPort()).setConnectTimeout(60_000), new PoolOptions().setHttp1MaxSize(streams)
                .setMaxWaitQueueSize(-1));
        String body = new JsonObject().put("model", "gpt-4o-mini").put("stream", true)
                .put("stream_options", new JsonObject().put("include_usage", true))
                .put("messages", new io.vertx.core.json.JsonArray()
                        .add(new JsonObject().put("role", "system").put("content",
                                "[1] Title: Tomatoes\nTomatoes grow best in full sun. Water them in the morning."))
                        .add(new JsonObject().put("role", "user").put("content", "How much sun do tomatoes need?")))
                .encode();
        // nanoseconds, at least 1 once set: 0 marks a stream that did not get that far
        long[] firstByte = new long[streams];
        long[] total = new long[streams];
        AtomicInteger completed = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        AtomicLong bytes = new AtomicLong();
        long start = System.nanoTime();
        List<Future<Void>> all = new ArrayList<>();
        for (int i = 0; i < streams; i++) {
            int n = i;
            long t0 = System.nanoTime();
            all.add(client.request(HttpMethod.POST, "/v1/chat/completions")
                    .compose(req -> req.putHeader("authorization", "Bearer bench")
                            .putHeader("content-type", "application/json").send(body))
                    .compose(resp -> {
                        if (resp.statusCode() != 200) {
                            return Future.failedFuture("status " + resp.statusCode());
                        }
                        resp.handler((Buffer b) -> {
                            if (firstByte[n] == 0) {
                                firstByte[n] = Math.max(1, System.nanoTime() - t0);
                            }
                            bytes.addAndGet(b.length());
                        });
                        return resp.end();
                    })
                    .onSuccess(v -> {
                        total[n] = Math.max(1, System.nanoTime() - t0);
                        completed.incrementAndGet();
                    })
                    .onFailure(e -> failed.incrementAndGet())
                    .otherwiseEmpty());
        }
        Future.join(all).await(10, TimeUnit.MINUTES);
        long wallMs = (System.nanoTime() - start) / 1_000_000;
        JsonObject stats = client.request(HttpMethod.GET, "/mock/stats")
                .compose(req -> req.send().compose(r -> r.body())).map(Buffer::toJsonObject).await(30, TimeUnit.SECONDS);
        System.out.println("streams=" + streams);
        System.out.println("completed=" + completed.get());
        System.out.println("failed=" + failed.get());
        System.out.println("wall_ms=" + wallMs);
        System.out.println("bytes=" + bytes.get());
        printPercentiles("first_byte_ms", firstByte);
        printPercentiles("total_ms", total);
        System.out.println("server_stats=" + stats.encode());
        client.close().await(30, TimeUnit.SECONDS);
        vertx.close().await(30, TimeUnit.SECONDS);
    }

    private static void printPercentiles(String name, long[] nanos) {
        long[] done = Arrays.stream(nanos).filter(v -> v > 0).sorted().toArray();
        if (done.length == 0) {
            System.out.println(name + "_p50=n/a");
            return;
        }
        for (int pct : new int[] {50, 95, 99, 100}) {
            String label = pct == 100 ? "max" : "p" + pct;
            System.out.println(name + "_" + label + "=" + Percentiles.ms(Percentiles.of(done, pct)));
        }
    }
}
