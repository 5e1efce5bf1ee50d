package dev.ragd.cli;

import dev.ragd.App;
import dev.ragd.config.Env;
import dev.ragd.config.RagdConfig;
import dev.ragd.config.StatelessCheck;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ragd serve}: runs the chat service until the process is stopped. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Serve the chat page, the WebSocket protocols and POST /v1/chat.",
                "On first start with an empty data directory, the bundled sample corpus is indexed.",
                "Configuration comes from environment variables (see `ragd config`)."})
final class ServeCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(ServeCommand.class);

    private final CliContext ctx;

    @Option(names = "--port", paramLabel = "N", description = "Port to listen on (overrides PORT; default 8000).")
    private Integer port;

    @Option(names = "--exit-when-ready", description = "Start, warm up (RAGD_WARMUP_MS), turn ready, then stop as on"
            + " SIGTERM: the training run that records a JDK AOT cache at image build (-XX:AOTCacheOutput).")
    private boolean exitWhenReady;

    ServeCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() throws InterruptedException {
        if (port != null && (port < 0 || port > 65535)) {
            ctx.err().println("ragd serve: --port " + port + " must be from 0 to 65535");
            return 2;
        }
        Env env = ctx.env();
        RagdConfig config = RagdConfig.from(env);
        if (port != null) {
            config = config.withPort(port);
        }
        StatelessCheck.verify(config, config.stateless(), env);
        App app = App.start(config);
        // SIGTERM/SIGINT: drain (readiness red, no new connections, answers in flight finish within
        // RAGD_SHUTDOWN_GRACE_MS), flush the chat-log queue, close the stores, then return 0. The
        // signals are handled here rather than in a shutdown hook, so the process exits with 0 after
        // a clean drain (a JVM ended by a signal exits 143); the hook only covers other exits.
        CountDownLatch stop = new CountDownLatch(1);
        Thread hook = new Thread(app::close, "ragd-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        // A training run stops itself; a signal then takes the JVM's default path (the hook drains).
        boolean handled = !exitWhenReady && handleStopSignals(stop);
        announce(config, app.port());
        if (exitWhenReady) {
            awaitReady(config.host(), app.port());
            stop.countDown();
        } else if (!handled) {
            new CountDownLatch(1).await(); // the shutdown hook drains; the JVM exits when it is done
        }
        stop.await();
        ctx.err().println("ragd: stopping (draining answers in flight)");
        ctx.err().flush();
        app.close();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // the JVM is exiting anyway; the hook finds the app closed
        }
        return 0;
    }

    /** Polls this server's own {@code /readyz} until it answers 200 (the warm-up is done). */
    private void awaitReady(String host, int port) throws InterruptedException {
        String h = "0.0.0.0".equals(host) || "::".equals(host) ? "127.0.0.1" : host.contains(":") ? "[" + host + "]" : host;
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest ready = HttpRequest.newBuilder(URI.create("http://" + h + ":" + port + "/readyz"))
                .timeout(Duration.ofSeconds(5)).build();
        while (true) {
            try {
                if (client.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    ctx.err().println("ragd: ready; stopping (--exit-when-ready)");
                    return;
                }
            } catch (IOException notYet) {
                // the listener is up (announce ran after it bound); a refused poll just tries again
            }
            Thread.sleep(200);
        }
    }

    /**
     * Says that the service is up, signals handled: in text mode a line for people on stdout; in
     * JSON mode (the default) a log line, so that stdout, which log collectors read, stays one JSON
     * object per line.
     */
    private void announce(RagdConfig config, int port) {
        String shown = "0.0.0.0".equals(config.host()) ? "localhost" : config.host();
        String url = "http://" + shown + ":" + port;
        String bookSocket = "ws://" + shown + ":" + port + "/";
        if ("text".equals(config.logFormat())) {
            ctx.out().println("ragd is serving on " + url + "  (book WebSocket: " + bookSocket + ", Ctrl+C stops)");
            ctx.out().flush();
        } else {
            LOG.atInfo().addKeyValue("url", url).addKeyValue("book_websocket", bookSocket).log("ragd is serving");
        }
    }

    /**
     * Routes SIGTERM and SIGINT to {@code stop}; a second signal while draining ends the process at
     * once. False when the platform does not let us handle them (then the shutdown hook drains).
     */
    @SuppressWarnings("removal")
    private static boolean handleStopSignals(CountDownLatch stop) {
        AtomicInteger received = new AtomicInteger();
        try {
            for (String name : new String[] {"TERM", "INT"}) {
                sun.misc.Signal.handle(new sun.misc.Signal(name), sig -> {
                    if (received.incrementAndGet() > 1) {
                        Runtime.getRuntime().halt(128 + sig.getNumber());
                    }
                    stop.countDown();
                });
            }
            return true;
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            return false;
        }
    }
}
