package dev.ragd.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Placeholder until implemented. */
@Command(name = "logs", mixinStandardHelpOptions = true, description = "TODO")
final class LogsCommand implements Callable<Integer> {

    private final CliContext ctx;

    LogsCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        ctx.err().println("not implemented yet");
        return 1;
    }
}
