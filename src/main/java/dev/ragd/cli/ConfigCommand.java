package dev.ragd.cli;

import dev.ragd.config.RagdConfig;
import dev.ragd.ops.StartupLog;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code ragd config}: the effective configuration, one {@code NAME=value} per line, secrets masked. */
@Command(name = "config", mixinStandardHelpOptions = true,
        description = {"Print the effective configuration, one NAME=value per line (secrets masked).",
                "Values come from the environment, then a .env file in the working directory, then defaults.",
                "An invalid value is reported naming the variable, with exit code 2."})
final class ConfigCommand implements Callable<Integer> {

    private final CliContext ctx;

    ConfigCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        RagdConfig config = RagdConfig.from(ctx.env());
        StartupLog.masked(config.describe(), RagdConfig.SECRETS)
                .forEach((name, value) -> ctx.out().println(name + "=" + value));
        ctx.out().flush();
        return 0;
    }
}
