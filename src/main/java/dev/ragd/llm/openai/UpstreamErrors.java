package dev.ragd.llm.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ragd.llm.UpstreamException;
import dev.ragd.llm.UpstreamException.Kind;
import io.netty.channel.ConnectTimeoutException;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpClosedException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;

/**
 * The one place where upstream failures (HTTP statuses, I/O errors, timeouts) become
 * {@link UpstreamException}s. Upstream error bodies are kept in the detail (for logs) after removing
 * anything that looks like a key; request headers are never included.
 */
public final class UpstreamErrors {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_DETAIL = 300;

    private final LongSupplier clockMs;
    private final List<String> secrets;

    /**
     * @param clockMs wall-clock milliseconds, to turn an HTTP-date {@code Retry-After} into a delay
     * @param secrets strings (API keys) removed from any detail, should an upstream echo them
     */
    public UpstreamErrors(LongSupplier clockMs, Collection<String> secrets) {
        this.clockMs = clockMs;
        this.secrets = secrets.stream().filter(s -> s != null && !s.isEmpty()).toList();
    }

    /** True for statuses worth retrying before the first token: 408, 409, 429 and 5xx. */
    public static boolean retryableStatus(int status) {
        return status == 408 || status == 409 || status == 429 || status >= 500;
    }

    /** Classifies a non-2xx response. */
    public UpstreamException classify(int status, MultiMap headers, String body) {
        Kind kind;
        if (status == 429) {
            kind = Kind.RATE_LIMITED;
        } else if (status == 401 || status == 403) {
            kind = Kind.AUTH;
        } else if (retryableStatus(status)) {
            kind = Kind.UNAVAILABLE;
        } else {
            kind = Kind.BAD_REQUEST;
        }
        String detail = "upstream answered " + status + redact(errorMessage(body));
        return new UpstreamException(kind, detail, status, kind.retryable() ? retryAfterMs(headers) : null, null);
    }

    /** Classifies an I/O failure or timeout that happened before any response status. */
    public static UpstreamException fromThrowable(Throwable t) {
        if (t instanceof UpstreamException u) {
            return u;
        }
        String what = t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
        if (t instanceof ConnectTimeoutException || t instanceof TimeoutException
                || t.getClass().getSimpleName().contains("Timeout")) {
            return new UpstreamException(Kind.TIMEOUT, "could not connect in time (" + what + ")", 0, null, t);
        }
        if (t instanceof ConnectException || t instanceof UnknownHostException) {
            return new UpstreamException(Kind.UNAVAILABLE, "could not connect (" + what + ")", 0, null, t);
        }
        if (t instanceof HttpClosedException || t instanceof ClosedChannelException) {
            return new UpstreamException(Kind.UNAVAILABLE, "connection closed by upstream (" + what + ")", 0, null, t);
        }
        return new UpstreamException(Kind.UNAVAILABLE, "upstream I/O failure (" + what + ")", 0, null, t);
    }

    /** No bearer token could be had (Entra ID): an authentication failure, not retried. */
    public static UpstreamException tokenFailure(Throwable t) {
        return new UpstreamException(Kind.AUTH, String.valueOf(t.getMessage()), 0, null, null);
    }

    /** True for the failures worth another attempt while no token has been delivered. */
    public static boolean retriedBeforeFirstToken(Kind kind) {
        return kind == Kind.RATE_LIMITED || kind == Kind.UNAVAILABLE || kind == Kind.TIMEOUT;
    }

    /** Classifies an {@code {"error": ...}} event inside a 200 stream (e.g. a rate limit hit mid-answer). */
    public UpstreamException fromStreamError(ChatChunk chunk) {
        String code = String.valueOf(chunk.errorCode());
        Kind kind = code.contains("rate_limit") || code.contains("429") ? Kind.RATE_LIMITED : Kind.UNAVAILABLE;
        return new UpstreamException(kind, "error event in stream: " + redact(chunk.errorMessage()), 200, null, null);
    }

    /** The detail part of an exception's message (after {@code KIND (HTTP n): }). */
    public static String detail(UpstreamException e) {
        String m = e.getMessage();
        int i = m.indexOf(": ");
        return i < 0 ? m : m.substring(i + 2);
    }

    /**
     * The delay the upstream asked for, in milliseconds: Azure's {@code retry-after-ms}, else
     * {@code Retry-After} as seconds or an HTTP date; {@code null} when absent or unreadable.
     */
    public Long retryAfterMs(MultiMap headers) {
        if (headers == null) {
            return null;
        }
        String ms = headers.get("retry-after-ms");
        if (ms != null) {
            try {
                return Math.max(0, (long) Double.parseDouble(ms.trim()));
            } catch (NumberFormatException ignored) {
                // fall through to Retry-After
            }
        }
        String ra = headers.get("Retry-After");
        if (ra == null || ra.isBlank()) {
            return null;
        }
        ra = ra.trim();
        try {
            return Math.max(0, (long) (Double.parseDouble(ra) * 1000));
        } catch (NumberFormatException notSeconds) {
            try {
                long at = ZonedDateTime.parse(ra, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant().toEpochMilli();
                return Math.max(0, at - clockMs.getAsLong());
            } catch (DateTimeParseException notDate) {
                return null;
            }
        }
    }

    /** Removes the configured secrets and key-like strings from text bound for logs. */
    public String redact(String text) {
        String out = text;
        for (String secret : secrets) {
            out = out.replace(secret, "[redacted]");
        }
        return Secrets.redact(out);
    }

    /** The message of an OpenAI-style error body, shortened; never the whole body of an HTML page. */
    static String errorMessage(String body) {
        if (body == null || body.isBlank()) {
            return "";
        }
        String message;
        try {
            JsonNode root = JSON.readTree(body);
            JsonNode error = root.path("error");
            message = error.isObject() ? error.path("message").asText(error.toString())
                    : error.isTextual() ? error.asText() : root.toString();
        } catch (Exception notJson) {
            message = body;
        }
        message = Secrets.redact(message.strip());
        if (message.length() > MAX_DETAIL) {
            message = message.substring(0, MAX_DETAIL) + "…";
        }
        return ": " + message;
    }
}
