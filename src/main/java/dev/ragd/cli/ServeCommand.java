package dev.ragd.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Placeholder until implemented. */
@Command(name = "serve", mixinStandardHelpOptions = true, description = "TODO")
final class ServeCommand implements Callable<Integer> {

    private final CliContext ctx;

    ServeCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        ctx.err().println("not implemented yet");
        return 1;
    }
}
