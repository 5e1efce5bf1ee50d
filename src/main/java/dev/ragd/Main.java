package dev.ragd;

import dev.ragd.cli.RagdCli;
import java.io.PrintWriter;
import java.nio.file.Path;

/** Process entry point: the CLI with the real environment. */
public final class Main {

    private Main() {}

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        int code = RagdCli.run(out, err, args, System.getenv(), Path.of("").toAbsolutePath());
        out.flush();
        err.flush();
        System.exit(code);
    }
}
