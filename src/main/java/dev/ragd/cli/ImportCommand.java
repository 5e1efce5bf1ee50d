package dev.ragd.cli;

import dev.ragd.chatlog.ChatLog;
import dev.ragd.chatlog.ChatLogs;
import dev.ragd.chatlog.ChatRecord;
import dev.ragd.chatlog.HashedEmailChatLog;
import dev.ragd.chatlog.PostgresChatLog;
import dev.ragd.config.RagdConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.function.UnaryOperator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code ragd logs import FILE}: writes the records of a JSON Lines file (as {@code ragd logs export}
 * and {@code ragd logs --format jsonl} print them) into the configured chat log, idempotently (see
 * {@link RecordImport}); {@code -} reads standard input. The summary goes to stdout, problems and the
 * progress bar (on a terminal) to stderr. Exit codes: {@code 0} every line imported or skipped, {@link #EXIT_INVALID_LINES}
 * some lines were invalid (each reported on stderr; the others were imported), {@link #EXIT_UNREADABLE}
 * the file is missing or unreadable, {@code 1} the store is off or failed part way.
 */
@Command(name = "import", mixinStandardHelpOptions = true,
        description = {"Write the records of a JSON Lines file (from 'ragd logs export' or 'ragd logs --format jsonl')",
                "into the configured chat log (RAGD_CHATLOG), upserting by id: a record already stored with",
                "the same content is skipped, so running it twice changes nothing. Invalid lines are reported",
                "on stderr by number and skipped. Exit 0: all good; 3: some lines invalid; 2: cannot read FILE;",
                "1: the chat log is off (RAGD_CHATLOG=none) or the store failed."})
final class ImportCommand implements Callable<Integer> {

    static final int EXIT_INVALID_LINES = 3;
    static final int EXIT_UNREADABLE = 2;

    private final CliContext ctx;

    @Parameters(paramLabel = "FILE", description = "JSON Lines file to import ('-' reads standard input)")
    Path file;

    ImportCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        PrintWriter err = ctx.err();
        RagdConfig config = RagdConfig.from(ctx.env());
        if (config.chatLog().backend().equals("none")) {
            err.println("ragd logs import: the chat log is off (RAGD_CHATLOG=none), so there is nowhere to import to");
            return 1;
        }
        boolean stdin = file.toString().equals("-");
        Path path = stdin ? null : ctx.workDir().resolve(file).toAbsolutePath();
        long size;
        InputStream in;
        try {
            if (stdin) {
                in = System.in;
                size = -1;
            } else {
                if (Files.isDirectory(path)) {
                    throw new IOException("is a directory");
                }
                size = Files.size(path);
                in = Files.newInputStream(path);
            }
        } catch (NoSuchFileException e) {
            err.println("ragd logs import: cannot read " + path + ": no such file");
            return EXIT_UNREADABLE;
        } catch (AccessDeniedException e) {
            err.println("ragd logs import: cannot read " + path + ": permission denied");
            return EXIT_UNREADABLE;
        } catch (IOException e) {
            err.println("ragd logs import: cannot read " + path + ": " + e.getMessage());
            return EXIT_UNREADABLE;
        }
        String source = stdin ? "standard input" : path.toString();
        Progress progress = new Progress(err, System.console() != null && !stdin, size);
        try (InputStream input = in; ChatLog log = ChatLogs.open(config);
                RecordImport importer = new RecordImport(log, asStored(config), (line, problem) -> {
                    progress.clear();
                    err.println("ragd logs import: " + source + " line " + line + ": " + problem);
                    err.flush();
                })) {
            JsonLinesReader reader = new JsonLinesReader(input);
            try {
                for (JsonLinesReader.Line line = reader.next(); line != null; line = reader.next()) {
                    importer.accept(line);
                    progress.update(reader.bytesRead(), importer.counts());
                }
                importer.flush();
            } catch (IOException e) {
                importer.flush();
                progress.done();
                err.println("ragd logs import: cannot read " + source + ": " + e.getMessage()
                        + " (" + importer.counts().summary() + ")");
                return EXIT_UNREADABLE;
            } catch (RecordImport.StoreFailure e) {
                progress.done();
                err.println("ragd logs import: " + e.getMessage() + " (" + importer.counts().summary()
                        + "; running the import again resumes it)");
                return 1;
            }
            progress.done();
            RecordImport.Counts counts = importer.counts();
            ctx.out().println("imported " + counts.summary() + " into " + log.describe());
            ctx.out().flush();
            return counts.invalid() == 0 ? 0 : EXIT_INVALID_LINES;
        } catch (IOException e) {
            err.println("ragd logs import: cannot close " + source + ": " + e.getMessage());
            return EXIT_UNREADABLE;
        }
    }

    /** What the configured store keeps for a record: compared with what it holds to tell skipped from written. */
    private static UnaryOperator<ChatRecord> asStored(RagdConfig config) {
        UnaryOperator<ChatRecord> hash = config.chatLog().hashEmail()
                ? r -> r.withUserEmail(HashedEmailChatLog.hash(r.userEmail()))
                : UnaryOperator.identity();
        if (!config.chatLog().backend().equals("postgres")) {
            return hash;
        }
        return r -> PostgresChatLog.asStored(hash.apply(r));
    }

    /** A one-line progress bar on stderr, drawn only on a terminal (and when the size is known). */
    private static final class Progress {
        private final PrintWriter err;
        private final boolean enabled;
        private final long total;
        private long lastDrawn = -1;
        private boolean drawn;

        Progress(PrintWriter err, boolean enabled, long total) {
            this.err = err;
            this.enabled = enabled && total > 0;
            this.total = total;
        }

        void update(long bytes, RecordImport.Counts counts) {
            int width = 30;
            long filled = Math.min(width, bytes * width / Math.max(1, total));
            if (!enabled || counts.read() == lastDrawn || counts.read() % 100 != 0 && bytes < total) {
                return;
            }
            lastDrawn = counts.read();
            err.print("\r[" + "#".repeat((int) filled) + " ".repeat(width - (int) filled) + "] "
                    + bytes * 100 / total + "% " + counts.summary());
            err.flush();
            drawn = true;
        }

        /** Ends the bar's line so a message can be printed. */
        void clear() {
            if (drawn) {
                err.println();
                drawn = false;
            }
        }

        void done() {
            clear();
            err.flush();
        }
    }
}
