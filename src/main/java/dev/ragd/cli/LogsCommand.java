package dev.ragd.cli;

import dev.ragd.chatlog.ChatLog;
import dev.ragd.chatlog.ChatLogQuery;
import dev.ragd.chatlog.ChatLogs;
import dev.ragd.chatlog.ChatRecord;
import dev.ragd.chatlog.ChatRecord.Status;
import dev.ragd.chatlog.ChatRecordJson;
import dev.ragd.chatlog.FileChatLog;
import dev.ragd.chatlog.Feedback;
import dev.ragd.config.RagdConfig;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code ragd logs}: recorded chats from the configured chat log ({@code RAGD_CHATLOG}), newest
 * first, with filters; {@code logs export} writes every match as JSON Lines; {@code logs prune}
 * deletes old records; {@code logs import} ({@link ImportCommand}) writes exported records back.
 * Safe while the server runs. Only data goes to {@code out}; messages go to {@code err}.
 */
@Command(name = "logs", mixinStandardHelpOptions = true,
        description = {"Show recorded chats from the chat log (RAGD_CHATLOG), newest first.",
                "Works while 'ragd serve' is running."})
final class LogsCommand implements Callable<Integer> {

    enum Format { table, jsonl }

    static final int DEFAULT_TABLE_ROWS = 20;
    private static final int PAGE = 500;
    private static final int QUESTION_CHARS = 60;
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'").withZone(ZoneOffset.UTC);
    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})([smhdw])");

    /** {@code --user}, {@code --since}, {@code --status}, {@code --feedback}, {@code --conversation}: for listing and export. */
    static final class Filters {
        @Option(names = "--user", paramLabel = "EMAIL",
                description = "Only this user's records (hashed first when RAGD_HASH_EMAIL=true).")
        String user;

        @Option(names = "--since", paramLabel = "WHEN", converter = SinceConverter.class,
                description = "Only records at or after WHEN: an ISO-8601 instant (2026-11-26T21:30:00Z),"
                        + " a date (2026-11-26, midnight UTC) or an age (30m, 24h, 7d, 2w).")
        Instant since;

        @Option(names = "--status", paramLabel = "STATUS",
                description = "Only records with this status: ${COMPLETION-CANDIDATES}.")
        Status status;

        @Option(names = "--feedback", paramLabel = "RATING",
                description = "Only records whose latest rating is this: ${COMPLETION-CANDIDATES}.")
        Feedback.Rating feedback;

        @Option(names = "--conversation", paramLabel = "ID", converter = ConversationConverter.class,
                description = "Only the turns of this server-kept conversation (its conversation_id).")
        String conversation;

        ChatLogQuery query(int limit) {
            return new ChatLogQuery(user, since, status, limit, null, feedback, conversation, false);
        }
    }

    private final CliContext ctx;

    @Spec
    CommandSpec spec;

    @Mixin
    Filters filters = new Filters();

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
        long max = last != null ? last : format == Format.jsonl ? Long.MAX_VALUE : DEFAULT_TABLE_ROWS;
        PrintWriter out = ctx.out();
        return withLog(log -> {
            if (format == Format.table) {
                out.printf("%-20s  %-9s  %-8s  %-36s  %-24s  %s%n", "TIME", "STATUS", "FEEDBACK", "ID", "USER",
                        "QUESTION");
                walk(log, filters.query(PAGE), max, r -> out.println(tableLine(r)));
            } else {
                walk(log, filters.query(PAGE), max, r -> out.println(ChatRecordJson.toJson(r)));
            }
            out.flush();
        });
    }

    @Command(name = "export", mixinStandardHelpOptions = true,
            description = {"Write every matching record to FILE as JSON Lines (newest first, page by page).",
                    "With --out - the records go to standard output and the count to standard error."})
    int export(@Option(names = "--out", paramLabel = "FILE", required = true,
                    description = "The file to write (replaced when it exists), or - for standard output.") Path file,
            @Mixin Filters exportFilters) {
        if (file.toString().equals("-")) {
            return withLog(log -> {
                long count = log.forEachMatching(exportFilters.query(PAGE), r -> ctx.out().println(ChatRecordJson.toJson(r)));
                ctx.out().flush();
                ctx.err().println("exported " + count + " records to standard output");
                ctx.err().flush();
            });
        }
        return withLog(log -> {
            Path target = file.toAbsolutePath();
            long count;
            try {
                Path parent = target.getParent();
                Files.createDirectories(parent);
                Path tmp = Files.createTempFile(parent, ".ragd-export-", ".jsonl");
                try (BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                    count = log.forEachMatching(exportFilters.query(PAGE), r -> {
                        try {
                            w.write(ChatRecordJson.toJson(r));
                            w.write('\n');
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    });
                } catch (RuntimeException | IOException e) {
                    Files.deleteIfExists(tmp);
                    throw e;
                }
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException | UncheckedIOException e) {
                throw new IllegalStateException("cannot write " + target + ": " + e.getMessage(), e);
            }
            ctx.out().println("exported " + count + " records to " + target);
            ctx.out().flush();
        });
    }

    @Command(name = "prune", mixinStandardHelpOptions = true,
            description = "Delete records older than an age, e.g. 30d (s, m, h, d, w).")
    int prune(@Option(names = "--older-than", paramLabel = "AGE", required = true, converter = AgeConverter.class,
            description = "Delete records older than this age: 30d, 12h, 2w...") Duration age) {
        Instant cutoff = Instant.now().minus(age);
        return withLog(log -> {
            long deleted = log.delete(cutoff);
            ctx.out().println("deleted " + deleted + " records older than " + cutoff);
            ctx.out().flush();
        });
    }

    /** Opens the configured log and runs {@code body}; 1 when the log is off, 0 when a file log does not exist yet. */
    private int withLog(Consumer<ChatLog> body) {
        RagdConfig config = RagdConfig.from(ctx.env());
        String backend = config.chatLog().backend();
        if (backend.equals("none")) {
            ctx.err().println("ragd logs: the chat log is off (RAGD_CHATLOG=none), so nothing is recorded");
            return 1;
        }
        Path dir = ChatLogs.fileDir(config);
        if (backend.equals("file") && !FileChatLog.exists(dir)) {
            ctx.err().println("ragd logs: no chat log yet at " + dir.toAbsolutePath());
            return 0;
        }
        try (ChatLog log = ChatLogs.open(config)) {
            body.accept(log);
        }
        return 0;
    }

    /** Up to {@code max} records matching {@code query}, newest first, a page at a time. */
    static void walk(ChatLog log, ChatLogQuery query, long max, Consumer<ChatRecord> sink) {
        long left = max;
        List<ChatRecord> page = left == 0 ? List.of() : log.find(query.withLimit((int) Math.min(PAGE, left)));
        while (!page.isEmpty()) {
            page.forEach(sink);
            left -= page.size();
            if (left == 0 || page.size() < PAGE) {
                return;
            }
            page = log.find(query.after(page.getLast()).withLimit((int) Math.min(PAGE, left)));
        }
    }

    /** An age such as {@code 30m}, {@code 24h}, {@code 7d} or {@code 2w}. */
    static Duration parseAge(String text) {
        Matcher m = DURATION.matcher(text.strip().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not an age like 30m, 24h, 7d or 2w");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            case "d" -> Duration.ofDays(n);
            default -> Duration.ofDays(7 * n);
        };
    }

    /** {@code --since}: an instant, a date (midnight UTC) or an age before now. */
    static Instant parseSince(String text, Instant now) {
        String t = text.strip();
        try {
            return Instant.parse(t);
        } catch (DateTimeParseException notInstant) {
            try {
                return LocalDate.parse(t).atStartOfDay(ZoneOffset.UTC).toInstant();
            } catch (DateTimeParseException notDate) {
                try {
                    return now.minus(parseAge(t));
                } catch (IllegalArgumentException notAge) {
                    throw new IllegalArgumentException("'" + text + "' is not an ISO-8601 instant"
                            + " (2026-11-26T21:30:00Z), a date (2026-11-26) or an age (30m, 24h, 7d, 2w)");
                }
            }
        }
    }

    static final class ConversationConverter implements ITypeConverter<String> {
        @Override
        public String convert(String value) {
            if (value.isBlank()) {
                throw new TypeConversionException("a conversation id is needed (the conversation_id of a start frame)");
            }
            return value.strip();
        }
    }

    static final class SinceConverter implements ITypeConverter<Instant> {
        @Override
        public Instant convert(String value) {
            try {
                return parseSince(value, Instant.now());
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    static final class AgeConverter implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            try {
                return parseAge(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    static String tableLine(ChatRecord r) {
        return String.format("%-20s  %-9s  %-8s  %-36s  %-24s  %s", TIME.format(r.timestamp()), r.status(),
                r.feedback() == null ? "-" : r.feedback().rating(), clean(r.id(), Integer.MAX_VALUE), r.userEmail() == null ? "-" : clean(r.userEmail(), 24),
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
