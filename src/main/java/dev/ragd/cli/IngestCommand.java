package dev.ragd.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Placeholder until implemented. */
@Command(name = "ingest", mixinStandardHelpOptions = true, description = "TODO")
final class IngestCommand implements Callable<Integer> {

    private final CliContext ctx;

    IngestCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        ctx.err().println("not implemented yet");
        return 1;
    }
}
