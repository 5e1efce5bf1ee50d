package dev.ragd.cli;

import dev.ragd.config.Env;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;

/** What every command gets: its output streams, the environment and the working directory. */
public record CliContext(PrintWriter out, PrintWriter err, Map<String, String> processEnv, Path workDir) {

    /** The environment with a {@code .env} file in the working directory underneath it. */
    public Env env() {
        return Env.load(processEnv, workDir);
    }
}
