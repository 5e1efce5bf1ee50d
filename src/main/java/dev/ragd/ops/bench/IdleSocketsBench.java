package dev.ragd.ops.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Load client for {@code bench/idle.sh}: opens N native WebSockets to ragd and holds them idle (no
 * request), so a measurement of streaming traffic runs while the server also carries N open
 * connections. Prints {@code idle_opened=} once they are open and, after {@code --hold-seconds},
 * {@code idle_still_open=} (how many the server kept) and {@code idle_closed_by_server=}.
 */
@Command(name = "idle-sockets-bench", mixinStandardHelpOptions = true)
public final class IdleSocketsBench implements Callable<Integer> {

    @Option(names = "--port", required = true)
    int port;

    @Option(names = "--host", defaultValue = "127.0.0.1")
    String host;

    @Option(names = "--sockets", defaultValue = "10000")
    int sockets;

    @Option(names = "--hold-seconds", defaultValue = "120")
    int holdSeconds;

    /** Handshakes in flight at once: opening ten thousand at once would only measure the accept queue. */
    @Option(names = "--connect-concurrency", defaultValue = "200")
    int concurrency;

    public static void main(String[] args) {
        System.exit(new CommandLine(new IdleSocketsBench()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
        WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(sockets + 10)
                .setConnectTimeout(30_000).setIdleTimeout(0));
        ConcurrentLinkedQueue<WebSocket> open = new ConcurrentLinkedQueue<>();
        AtomicInteger started = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        AtomicInteger closedByServer = new AtomicInteger();
        long start = System.nanoTime();
        List<Future<Void>> lanes = new java.util.ArrayList<>();
        for (int i = 0; i < Math.min(concurrency, sockets); i++) {
            lanes.add(lane(client, open, started, failed, closedByServer));
        }
        Future.join(lanes).await(10, TimeUnit.MINUTES);
        System.out.printf("idle_opened=%d%nidle_failed=%d%nidle_open_ms=%d%n", open.size(), failed.get(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
        System.out.flush();
        Thread.sleep(TimeUnit.SECONDS.toMillis(holdSeconds));
        long still = open.stream().filter(ws -> !ws.isClosed()).count();
        System.out.printf("idle_still_open=%d%nidle_closed_by_server=%d%n", still, closedByServer.get());
        System.out.flush();
        vertx.close().await(60, TimeUnit.SECONDS);
        return 0;
    }

    /** Opens sockets one after another until the total is reached. */
    private Future<Void> lane(WebSocketClient client, ConcurrentLinkedQueue<WebSocket> open, AtomicInteger started,
            AtomicInteger failed, AtomicInteger closedByServer) {
        if (started.incrementAndGet() > sockets) {
            return Future.succeededFuture();
        }
        return client.connect(port, host, "/v1/chat").transform(ar -> {
            if (ar.succeeded()) {
                WebSocket ws = ar.result();
                ws.closeHandler(v -> closedByServer.incrementAndGet());
                open.add(ws);
            } else {
                failed.incrementAndGet();
            }
            return lane(client, open, started, failed, closedByServer);
        });
    }
}
