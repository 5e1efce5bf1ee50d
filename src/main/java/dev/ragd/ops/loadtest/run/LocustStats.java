package dev.ragd.ops.loadtest.run;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;

/**
 * What {@code loadtest/locustfile.py} reported for one step, read from Locust's {@code --csv}
 * files ({@code <prefix>_stats.csv}, {@code <prefix>_failures.csv}). Locust keeps response times
 * rounded (to 10 ms from 100 ms, to 100 ms from 1 s), so its percentiles carry that resolution.
 *
 * @param questions      questions sent ("full answer" rows, answered or failed)
 * @param answers        questions answered completely
 * @param connects       WebSocket handshakes (or HTTP connections) attempted
 * @param ttft           p50, p95, p99 of time to first token, ms
 * @param answer         p50, p95, p99 of time to the full answer, ms
 * @param tokens         answer tokens received in all ("tokens/s" samples times their mean length)
 * @param errorsByKind   failed questions and failed connects by kind (see {@link #kind})
 * @param idleCloses     reused sockets the server had closed while the user was thinking
 */
record LocustStats(long questions, long answers, long connects, double[] ttft, double[] answer, double tokens,
        Map<String, Long> errorsByKind, long idleCloses) {

    static final String CONNECT = "connect";
    static final String FIRST_TOKEN = "time to first token";
    static final String FULL_ANSWER = "full answer";
    static final String RATE = "tokens/s";
    static final String IDLE_CLOSE = "server close while idle";

    private static final CSVFormat CSV = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get();
    private static final Pattern CLOSE = Pattern.compile("\\bclose (\\d{4})\\b");
    private static final Pattern STATUS = Pattern.compile("(?i)\\b(?:status|http)[ _]?(\\d{3})\\b");

    static LocustStats read(Path prefix) throws IOException {
        Map<String, CSVRecord> rows = new HashMap<>();
        try (Reader in = Files.newBufferedReader(Path.of(prefix + "_stats.csv"), StandardCharsets.UTF_8)) {
            for (CSVRecord r : CSV.parse(in)) {
                rows.put(r.get("Name"), r);
            }
        }
        Map<String, Long> errors = new TreeMap<>();
        Path failures = Path.of(prefix + "_failures.csv");
        if (Files.exists(failures)) {
            try (Reader in = Files.newBufferedReader(failures, StandardCharsets.UTF_8)) {
                for (CSVRecord r : CSV.parse(in)) {
                    String name = r.get("Name");
                    if (name.equals(FULL_ANSWER) || name.equals(CONNECT)) {
                        errors.merge((name.equals(CONNECT) ? "connect_" : "") + kind(r.get("Error")),
                                Long.parseLong(r.get("Occurrences")), Long::sum);
                    }
                }
            }
        }
        CSVRecord full = rows.get(FULL_ANSWER);
        CSVRecord rate = rows.get(RATE);
        long questions = count(full, "Request Count");
        long answered = questions - count(full, "Failure Count");
        double tokens = rate == null ? 0 : count(rate, "Request Count") * number(rate, "Average Content Size");
        return new LocustStats(questions, answered, count(rows.get(CONNECT), "Request Count"),
                percentiles(rows.get(FIRST_TOKEN)), percentiles(full), tokens, errors,
                count(rows.get(IDLE_CLOSE), "Request Count"));
    }

    /**
     * A failure's kind, from the message the locustfile gives it ({@code Class: message}): an error
     * frame's code ({@code busy}, {@code rate_limited}), {@code timeout}, {@code close_<code>},
     * {@code connection_lost}, {@code refused}, {@code protocol}, {@code http_<status>}; otherwise
     * the failure's class in snake case.
     */
    static String kind(String error) {
        String e = error.strip();
        // A worker sends its errors to the master as text, which the master's CSV shows quoted: 'Class: message'.
        if (e.length() >= 2 && (e.charAt(0) == '\'' || e.charAt(0) == '"') && e.charAt(e.length() - 1) == e.charAt(0)) {
            e = e.substring(1, e.length() - 1).strip();
        }
        int colon = e.indexOf(':');
        String type = colon < 0 ? e : e.substring(0, colon);
        String message = colon < 0 ? "" : e.substring(colon + 1).strip();
        Matcher status = STATUS.matcher(message);
        Matcher close = CLOSE.matcher(message);
        return switch (type) {
            case "ErrorFrame" -> message.isEmpty() ? "error_frame" : message.split("[\\s:]", 2)[0];
            case "Timeout" -> "timeout";
            case "Refused" -> "refused";
            case "ProtocolViolation" -> "protocol";
            case "EarlyClose", "ErrorClose" -> close.find() ? "close_" + close.group(1) : "connection_lost";
            default -> status.find() ? "http_" + status.group(1)
                    : message.toLowerCase(Locale.ROOT).contains("refused") ? "refused"
                    : message.toLowerCase(Locale.ROOT).contains("timed out") ? "timeout"
                    : type.equals("ConnectFailed") ? "failed"
                    : type.replaceAll("([a-z])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
        };
    }

    private static double[] percentiles(CSVRecord r) {
        return r == null || count(r, "Request Count") == 0 ? new double[] {-1, -1, -1}
                : new double[] {number(r, "50%"), number(r, "95%"), number(r, "99%")};
    }

    private static long count(CSVRecord r, String column) {
        return r == null ? 0 : Math.round(number(r, column));
    }

    private static double number(CSVRecord r, String column) {
        String v = r.get(column);
        return v == null || v.isBlank() || v.equals("N/A") ? 0 : Double.parseDouble(v);
    }
}
