package dev.ragd.cli;

import dev.ragd.config.ConfigException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The {@code ragd} command line: {@code run(out, err, args)} returns the process exit code. */
@Command(name = "ragd", mixinStandardHelpOptions = true, version = "ragd 0.1.0",
        description = "Stateless, streaming RAG chat service.",
        subcommands = CommandLine.HelpCommand.class)
public final class RagdCli implements Runnable {

    private final CliContext ctx;

    @Spec
    private CommandSpec spec;

    private RagdCli(CliContext ctx) {
        this.ctx = ctx;
    }

    public static int run(PrintWriter out, PrintWriter err, String[] args, Map<String, String> env, Path workDir) {
        CliContext ctx = new CliContext(out, err, env, workDir);
        CommandLine cli = new CommandLine(new RagdCli(ctx))
                .addSubcommand("serve", new ServeCommand(ctx))
                .addSubcommand("ingest", new IngestCommand(ctx))
                .addSubcommand("logs", new CommandLine(new LogsCommand(ctx)).addSubcommand("import", new ImportCommand(ctx)))
                .addSubcommand("config", new ConfigCommand(ctx))
                .addSubcommand("mock-llm", new MockLlmCommand(ctx))
                .addSubcommand("loadtest", new LoadTestCommand(ctx))
                .addSubcommand("eval", new CommandLine(new EvalCommand(ctx)).addSubcommand("generate", new EvalGenerateCommand(ctx)))
                .setOut(out)
                .setErr(err)
                .setExecutionExceptionHandler((ex, cmd, parsed) -> {
                    if (ex instanceof ConfigException) {
                        err.println("ragd: configuration error: " + ex.getMessage());
                        return 2;
                    }
                    err.println("ragd " + cmd.getCommandName() + ": " + ex.getMessage());
                    return 1;
                });
        return cli.execute(args);
    }

    /**
     * True when {@code args} run a service ({@code serve}, {@code mock-llm}), which logs to stdout;
     * every other command keeps stdout for its data. The top-level options ({@code --help},
     * {@code --version}) run no subcommand, so the first argument decides.
     */
    public static boolean isService(String[] args) {
        return args.length > 0 && (args[0].equals("serve") || args[0].equals("mock-llm"));
    }

    @Override
    public void run() {
        spec.commandLine().usage(ctx.out());
    }
}
