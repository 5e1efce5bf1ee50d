package dev.ragd;

import dev.ragd.cli.RagdCli;
import java.io.PrintWriter;
import java.nio.file.Path;
import org.slf4j.bridge.SLF4JBridgeHandler;

/** Process entry point: the CLI with the real environment. */
public final class Main {

    /** The system property {@code logback.xml} reads for its console target. */
    static final String LOG_TARGET = "ragd.log.target";

    private Main() {}

    public static void main(String[] args) {
        // The one place that decides where logs go, before the first logger starts logback: services
        // log to stdout (what containers collect); every other command prints its data on stdout
        // (`ragd logs --format jsonl | jq`), so its logs, e.g. the PostgreSQL pool's, go to stderr.
        System.setProperty(LOG_TARGET, RagdCli.isService(args) ? "System.out" : "System.err");
        // java.util.logging (Lucene's vectorization notice at the first index open, for one) prints
        // two-line text to stderr through its console handler; route it into SLF4J instead, so it is
        // one line in RAGD_LOG_FORMAT on the same target as every other log line. logback.xml's
        // LevelChangePropagator keeps JUL's levels in step, so disabled JUL levels cost nothing.
        SLF4JBridgeHandler.removeHandlersForRootLogger();
        SLF4JBridgeHandler.install();
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        int code = RagdCli.run(out, err, args, System.getenv(), Path.of("").toAbsolutePath());
        out.flush();
        err.flush();
        System.exit(code);
    }
}
