package dev.ragd.cli;

import dev.ragd.App;
import dev.ragd.config.Env;
import dev.ragd.config.RagdConfig;
import dev.ragd.config.StatelessCheck;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ragd serve}: runs the chat service until the process is stopped. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Serve the chat page, the WebSocket protocols and POST /v1/chat.",
                "On first start with an empty data directory, the bundled sample corpus is indexed.",
                "Configuration comes from environment variables (see `ragd config`)."})
final class ServeCommand implements Callable<Integer> {

    private final CliContext ctx;

    @Option(names = "--port", paramLabel = "N", description = "Port to listen on (overrides PORT; default 8000).")
    private Integer port;

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
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            app.close();
            stopped.countDown();
        }, "ragd-shutdown"));
        String shown = "0.0.0.0".equals(config.host()) ? "localhost" : config.host();
        ctx.out().println("ragd is serving on http://" + shown + ":" + app.port()
                + "  (book WebSocket: ws://" + shown + ":" + app.port() + "/, Ctrl+C stops)");
        ctx.out().flush();
        stopped.await();
        return 0;
    }
}
