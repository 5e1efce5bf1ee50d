package dev.ragd.ops.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Load client for {@code bench/ttft.sh}: opens N concurrent streams and measures time to first
 * token, either through ragd ({@code POST /v1/chat}, first {@code token} event) or directly from
 * an OpenAI-compatible upstream ({@code POST /v1/chat/completions}, first content chunk). Runs on
 * Vert.x event loops, so the client is not the bottleneck at thousands of streams.
 */
@Command(name = "ttft-bench", mixinStandardHelpOptions = true)
public final class TtftBench implements Callable<Integer> {

    @Option(names = "--warm-up-rounds", defaultValue = "2",
            description = "unmeasured rounds of the same size first, so both servers are measured warm (JIT, pools)")
    int warmUpRounds;

    @Option(names = "--warm-up-seconds", defaultValue = "0",
            description = "keep running warm-up rounds until this long has passed (after --warm-up-rounds): a server"
                    + " with much code to compile needs longer than a few rounds to reach its steady state")
    int warmUpSeconds;

    @Option(names = "--rounds", defaultValue = "1",
            description = "measured rounds; their samples are pooled (rounds vary with GC and scheduling; pooling"
                    + " several gives a steadier p95 than one round)")
    int rounds;

    @Option(names = "--target", required = true, description = "ragd or upstream")
    String target;

    @Option(names = "--port", required = true)
    int port;

    @Option(names = "--host", defaultValue = "127.0.0.1")
    String host;

    @Option(names = "--streams", defaultValue = "100")
    int streams;

    @Option(names = "--ramp-ms", defaultValue = "0", description = "spread the stream starts over this long")
    int rampMs;

    @Option(names = "--question", defaultValue = "What is the warranty of the Cinder Kettle?")
    String question;

    @Option(names = "--label", defaultValue = "")
    String label;

    @Option(names = "--key", defaultValue = "bench", description = "sent as Authorization: Bearer <key>"
            + " (a key of RAGD_API_KEYS when ragd runs with RAGD_AUTH=api-key)")
    String key;

    @Option(names = "--replay-last-request", description = "upstream only (ragd mock-llm): send the last chat request"
            + " the mock received (GET /mock/last-request/chat), e.g. the one ragd sent for the same question, so the"
            + " upstream does the same work in both measurements")
    boolean replayLastRequest;

    private String upstreamBody;

    public static void main(String[] args) {
        System.exit(new CommandLine(new TtftBench()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Vertx vertx = Vertx.vertx(new io.vertx.core.VertxOptions().setPreferNativeTransport(true));
        try {
            HttpClient client = vertx.createHttpClient(new HttpClientOptions().setDefaultHost(host).setDefaultPort(port)
                    .setKeepAlive(true).setConnectTimeout(30_000), new PoolOptions().setHttp1MaxSize(streams + 8));
            if (replayLastRequest) {
                upstreamBody = lastChatRequest(client);
            }
            long warmUpEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(warmUpSeconds);
            int warmUps = 0;
            StringBuilder p95s = new StringBuilder();
            while (warmUps < warmUpRounds || System.nanoTime() < warmUpEnd) {
                p95s.append(warmUps == 0 ? "" : " ").append(Math.round(pct(run(vertx, client, streams), 95)));
                warmUps++;
            }
            System.err.printf("ttft-bench: %d warm-up rounds of %d streams, p95 ms: %s%n", warmUps, streams, p95s);
            List<long[]> measured = new ArrayList<>();
            for (int i = 0; i < rounds; i++) {
                measured.add(run(vertx, client, streams));
            }
            report(measured.stream().flatMapToLong(Arrays::stream).sorted().toArray());
            return 0;
        } finally {
            vertx.close().await(30, TimeUnit.SECONDS);
        }
    }

    private static String lastChatRequest(HttpClient client) throws Exception {
        String reply = client.request(HttpMethod.GET, "/mock/last-request/chat").compose(req -> req.send()
                .compose(resp -> resp.body().map(b -> resp.statusCode() + " " + b))).await(30, TimeUnit.SECONDS);
        if (!reply.startsWith("200 ")) {
            throw new IllegalStateException("--replay-last-request: the mock has no chat request to replay: " + reply);
        }
        JsonObject body = new JsonObject(new JsonObject(reply.substring(4)).getString("body"));
        if (!body.getBoolean("stream", false)) {
            throw new IllegalStateException("--replay-last-request: the last chat request was not streamed");
        }
        return body.encode();
    }

    private long[] run(Vertx vertx, HttpClient client, int n) throws Exception {
        List<Future<Long>> all = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Promise<Long> p = Promise.promise();
            all.add(p.future());
            long delay = rampMs <= 0 || n == 1 ? 0 : (long) rampMs * i / n;
            if (delay == 0) {
                vertx.runOnContext(v -> one(client).onComplete(p));
            } else {
                vertx.setTimer(delay, t -> one(client).onComplete(p));
            }
        }
        Future.join(all).await(10, TimeUnit.MINUTES);
        long failed = all.stream().filter(Future::failed).count();
        if (failed > 0) {
            Throwable first = all.stream().filter(Future::failed).findFirst().orElseThrow().cause();
            System.err.println("ttft-bench: " + failed + " of " + n + " streams failed; first: " + first);
        }
        return all.stream().filter(Future::succeeded).mapToLong(Future::result).sorted().toArray();
    }

    /** One stream: resolves with nanoseconds to the first token, after reading the stream to its end. */
    private Future<Long> one(HttpClient client) {
        boolean viaRagd = "ragd".equals(target);
        String body = viaRagd
                ? new JsonObject().put("messages", new JsonArray().add(new JsonObject().put("role", "user")
                        .put("content", question))).encode()
                : upstreamBody != null ? upstreamBody : new JsonObject().put("model", "bench").put("stream", true)
                        .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", question)))
                        .encode();
        String marker = viaRagd ? "event: token" : "\"content\":\"";
        long start = System.nanoTime();
        long[] first = {-1};
        StringBuilder window = new StringBuilder();
        RequestOptions ro = new RequestOptions().setMethod(HttpMethod.POST)
                .setURI(viaRagd ? "/v1/chat" : "/v1/chat/completions")
                .putHeader("content-type", "application/json").putHeader("authorization", "Bearer " + key);
        return client.request(ro).compose(req -> req.send(Buffer.buffer(body))).compose(resp -> {
            if (resp.statusCode() != 200) {
                return resp.body().compose(b -> Future.failedFuture("HTTP " + resp.statusCode() + ": " + b));
            }
            resp.handler(buf -> {
                if (first[0] < 0) {
                    window.append(buf.toString());
                    if (firstToken(window, marker, viaRagd)) {
                        first[0] = System.nanoTime() - start;
                    }
                }
            });
            return resp.end().compose(v -> first[0] < 0 ? Future.failedFuture("no token in stream") : Future.succeededFuture(first[0]));
        });
    }

    private static boolean firstToken(StringBuilder window, String marker, boolean viaRagd) {
        int at = window.indexOf(marker);
        if (viaRagd) {
            return at >= 0;
        }
        // upstream: the first chunk whose delta content is not empty (the role chunk has "")
        while (at >= 0) {
            int after = at + marker.length();
            if (after < window.length() && window.charAt(after) != '"') {
                return true;
            }
            at = window.indexOf(marker, after);
        }
        return false;
    }

    private void report(long[] sortedNanos) {
        PrintWriter out = new PrintWriter(System.out, true);
        String p = label.isEmpty() ? target : label;
        out.printf("%s_streams=%d%n", p, streams);
        out.printf("%s_rounds=%d%n", p, rounds);
        out.printf("%s_ok=%d%n", p, sortedNanos.length);
        out.printf("%s_ttft_p50_ms=%.1f%n", p, pct(sortedNanos, 50));
        out.printf("%s_ttft_p95_ms=%.1f%n", p, pct(sortedNanos, 95));
        out.printf("%s_ttft_p99_ms=%.1f%n", p, pct(sortedNanos, 99));
        out.printf("%s_ttft_max_ms=%.1f%n", p, sortedNanos.length == 0 ? Double.NaN : sortedNanos[sortedNanos.length - 1] / 1e6);
    }

    static double pct(long[] sorted, int p) {
        return sorted.length == 0 ? Double.NaN : Percentiles.of(sorted, p) / 1e6;
    }
}
