package dev.ragd.ops.loadtest;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.CSVRecord;

/**
 * {@code steps.csv}: one row per step, RFC 4180 (comma separated, CRLF line ends, fields with a
 * comma, quote or line break quoted, quotes doubled), with a header row. Times in ms, shares 0..1,
 * -1 where a value was not measured. Columns:
 *
 * <pre>
 * users, duration_s, requests, errors, error_share, throughput_rps,
 * ttft_p50_ms, ttft_p95_ms, ttft_p99_ms, answer_p50_ms, answer_p95_ms, answer_p99_ms, tokens_per_s,
 * errors_by_kind            kind=count;kind=count (e.g. busy=3;timeout=1)
 * cpu_cores, rss_bytes      CPU of all replicas together (cores); resident memory of the largest replica
 * ragd_requests_by_outcome  outcome/error_code=count;... from ragd_chat_requests_total
 * ragd_rejections_by_reason reason=count;... from ragd_chat_rejections_total
 * upstream_errors_by_type   type=count;... from ragd_upstream_errors_total (rate_limited = the model's 429)
 * upstream_429, upstream_retries, ratelimit_remaining_tokens_min, ratelimit_remaining_requests_min,
 * active_generations_max, max_concurrent_generations, chatlog_queue_depth_max, retrieval_p95_ms,
 * process_cpu_usage_max, rewrite_p95_ms, search_throttled
 * </pre>
 * {@code errors}, {@code error_share}, {@code throughput_rps} and {@code upstream_429} are derived
 * (for spreadsheets) and ignored on reading.
 */
public final class StepsCsv {

    public static final List<String> HEADER = List.of("users", "duration_s", "requests", "errors", "error_share",
            "throughput_rps", "ttft_p50_ms", "ttft_p95_ms", "ttft_p99_ms", "answer_p50_ms", "answer_p95_ms",
            "answer_p99_ms", "tokens_per_s", "errors_by_kind", "cpu_cores", "rss_bytes", "ragd_requests_by_outcome",
            "ragd_rejections_by_reason", "upstream_errors_by_type", "upstream_429", "upstream_retries",
            "ratelimit_remaining_tokens_min", "ratelimit_remaining_requests_min", "active_generations_max",
            "max_concurrent_generations", "chatlog_queue_depth_max", "retrieval_p95_ms", "process_cpu_usage_max",
            "rewrite_p95_ms", "search_throttled");

    private static final CSVFormat FORMAT = CSVFormat.RFC4180;

    private StepsCsv() {}

    public static String write(List<StepResult> steps) {
        StringWriter out = new StringWriter();
        try (CSVPrinter p = new CSVPrinter(out, FORMAT)) {
            p.printRecord(HEADER);
            for (StepResult s : steps) {
                StepMetrics m = s.metrics();
                p.printRecord(s.users(), num(s.durationS()), s.requests(), s.errors(), num(s.errorShare()),
                        num(s.throughput()), num(s.ttftP50Ms()), num(s.ttftP95Ms()), num(s.ttftP99Ms()),
                        num(s.answerP50Ms()), num(s.answerP95Ms()), num(s.answerP99Ms()), num(s.tokensPerS()),
                        counts(s.errorsByKind()), num(s.cpuCores()), s.rssBytes(), counts(m.requestsByOutcome()),
                        counts(m.rejectionsByReason()), counts(m.upstreamErrorsByType()), m.upstream429(),
                        m.upstreamRetries(), m.rateLimitRemainingTokensMin(), m.rateLimitRemainingRequestsMin(),
                        m.activeGenerationsMax(), m.maxConcurrentGenerations(), m.chatlogQueueDepthMax(),
                        num(m.retrievalP95Ms()), num(m.processCpuShareMax()), num(m.rewriteP95Ms()), m.searchThrottled());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /**
     * Reads what {@link #write} wrote (columns by name, so added columns do not break it).
     *
     * @throws IllegalArgumentException naming the row and column of a bad value
     */
    public static List<StepResult> read(Reader in) throws IOException {
        List<StepResult> out = new ArrayList<>();
        try (CSVParser parser = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get().parse(in)) {
            for (CSVRecord r : parser) {
                try {
                    StepMetrics m = new StepMetrics(counts(r.get("ragd_requests_by_outcome")),
                            counts(r.get("ragd_rejections_by_reason")), counts(r.get("upstream_errors_by_type")),
                            lng(r, "upstream_retries"), lng(r, "ratelimit_remaining_tokens_min"),
                            lng(r, "ratelimit_remaining_requests_min"), lng(r, "active_generations_max"),
                            lng(r, "max_concurrent_generations"), lng(r, "chatlog_queue_depth_max"),
                            dbl(r, "retrieval_p95_ms"), dbl(r, "process_cpu_usage_max"),
                            r.isMapped("rewrite_p95_ms") ? dbl(r, "rewrite_p95_ms") : -1,
                            r.isMapped("search_throttled") ? lng(r, "search_throttled") : -1);
                    out.add(new StepResult((int) lng(r, "users"), dbl(r, "duration_s"), lng(r, "requests"),
                            dbl(r, "ttft_p50_ms"), dbl(r, "ttft_p95_ms"), dbl(r, "ttft_p99_ms"), dbl(r, "answer_p50_ms"),
                            dbl(r, "answer_p95_ms"), dbl(r, "answer_p99_ms"), dbl(r, "tokens_per_s"),
                            counts(r.get("errors_by_kind")), dbl(r, "cpu_cores"), lng(r, "rss_bytes"), m));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("steps.csv row " + r.getRecordNumber() + ": " + e.getMessage(), e);
                }
            }
        }
        return out;
    }

    public static List<StepResult> read(String csv) {
        try {
            return read(new StringReader(csv));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A number as text: integers without a fraction, others with up to 3 decimals. */
    static String num(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        // 39.9996 rounds to "40.000": strip the zeros and then the dot.
        return String.format(Locale.ROOT, "%.3f", v).replaceAll("0+$", "").replaceAll("\\.$", "");
    }

    static String counts(Map<String, Long> counts) {
        StringBuilder s = new StringBuilder();
        new TreeMap<>(counts).forEach((k, v) -> s.append(s.isEmpty() ? "" : ";").append(k).append('=').append(v));
        return s.toString();
    }

    static Map<String, Long> counts(String cell) {
        Map<String, Long> out = new TreeMap<>();
        if (cell == null || cell.isBlank()) {
            return out;
        }
        for (String pair : cell.split(";")) {
            int eq = pair.lastIndexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("expected kind=count, got '" + pair + "'");
            }
            out.put(pair.substring(0, eq), Long.parseLong(pair.substring(eq + 1).strip()));
        }
        return out;
    }

    private static long lng(CSVRecord r, String column) {
        try {
            return Long.parseLong(r.get(column).strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(column + " must be an integer, got '" + r.get(column) + "'");
        }
    }

    private static double dbl(CSVRecord r, String column) {
        try {
            return Double.parseDouble(r.get(column).strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(column + " must be a number, got '" + r.get(column) + "'");
        }
    }
}
