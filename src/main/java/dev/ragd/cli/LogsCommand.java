package dev.ragd.cli;

import dev.ragd.chatlog.ChatLog;
import dev.ragd.chatlog.ChatLogs;
import dev.ragd.chatlog.ChatRecord;
import dev.ragd.chatlog.ChatRecordJson;
import dev.ragd.config.RagdConfig;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code ragd logs}: recorded chats from the chat log, newest first. Safe while the server runs. */
@Command(name = "logs", mixinStandardHelpOptions = true,
        description = {"Show recorded chats from the chat log (RAGD_DATA_DIR/chatlog), newest first.",
                "Works while 'ragd serve' is running."})
final class LogsCommand implements Callable<Integer> {

    enum Format { table, jsonl }

    static final int DEFAULT_TABLE_ROWS = 20;
    private static final int PAGE = 500;
    private static final int QUESTION_CHARS = 60;
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

    private final CliContext ctx;

    @Spec
    CommandSpec spec;

    @Option(names = "--last", paramLabel = "N",
            description = "Only the N newest records (default: " + DEFAULT_TABLE_ROWS
                    + " for table, every record for jsonl).")
    Integer last;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "table",
            description = "table: one readable line per record; jsonl: one JSON object per line. "
                    + "Default: ${DEFAULT-VALUE}.")
    Format format;

    LogsCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        if (last != null && last < 0) {
            throw new ParameterException(spec.commandLine(), "--last must be 0 or more, got " + last);
        }
        RagdConfig config = RagdConfig.from(ctx.env());
        if (config.chatLog().backend().equals("none")) {
            ctx.err().println("ragd logs: the chat log is off (RAGD_CHATLOG=none), so nothing is recorded");
            return 1;
        }
        Path dir = ChatLogs.fileDir(config);
        if (config.chatLog().backend().equals("file") && !Files.exists(dir.resolve("ragd.mv.db"))) {
            ctx.err().println("ragd logs: no chat log yet at " + dir.toAbsolutePath());
            return 0;
        }
        long max = last != null ? last : format == Format.jsonl ? Long.MAX_VALUE : DEFAULT_TABLE_ROWS;
        PrintWriter out = ctx.out();
        try (ChatLog log = ChatLogs.open(config)) {
            if (format == Format.table) {
                out.printf("%-20s  %-9s  %-36s  %-24s  %s%n", "TIME", "STATUS", "ID", "USER", "QUESTION");
                walk(log, max, r -> out.println(tableLine(r)));
            } else {
                walk(log, max, r -> out.println(ChatRecordJson.toJson(r)));
            }
        }
        out.flush();
        return 0;
    }

    /** Up to {@code max} records, newest first, a page at a time. */
    static void walk(ChatLog log, long max, Consumer<ChatRecord> sink) {
        long left = max;
        List<ChatRecord> page = left == 0 ? List.of() : log.recent((int) Math.min(PAGE, left));
        while (!page.isEmpty()) {
            page.forEach(sink);
            left -= page.size();
            if (left == 0 || page.size() < PAGE) {
                return;
            }
            ChatRecord tail = page.getLast();
            page = log.olderThan(tail.timestamp(), tail.id(), (int) Math.min(PAGE, left));
        }
    }

    static String tableLine(ChatRecord r) {
        return String.format("%-20s  %-9s  %-36s  %-24s  %s", TIME.format(r.timestamp()), r.status(),
                clean(r.id(), Integer.MAX_VALUE), r.userEmail() == null ? "-" : clean(r.userEmail(), 24),
                clean(r.userQuestion() == null ? "" : r.userQuestion(), QUESTION_CHARS));
    }

    /** One line of plain text: control characters and runs of whitespace become one space; long text ends in "...". */
    static String clean(String s, int maxChars) {
        String flat = s.replaceAll("[\\p{Cntrl}\\s]+", " ").strip();
        if (flat.codePointCount(0, flat.length()) <= maxChars) {
            return flat;
        }
        return flat.substring(0, flat.offsetByCodePoints(0, maxChars - 3)) + "...";
    }
}
