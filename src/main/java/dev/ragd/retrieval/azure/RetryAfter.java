package dev.ragd.retrieval.azure;

import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpResponse;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/** When an Azure service says to try again: {@code retry-after-ms}, {@code x-ms-retry-after-ms} or {@code Retry-After}. */
final class RetryAfter {

    private static final HttpHeaderName RETRY_AFTER_MS = HttpHeaderName.fromString("retry-after-ms");
    private static final HttpHeaderName X_MS_RETRY_AFTER_MS = HttpHeaderName.fromString("x-ms-retry-after-ms");

    private RetryAfter() {}

    /**
     * The wait the response asks for, in milliseconds; {@code fallbackMs} when it names none or an
     * unreadable one. {@code Retry-After} may be seconds or an HTTP date.
     */
    static long millis(HttpResponse response, long fallbackMs) {
        if (response == null) {
            return fallbackMs;
        }
        for (HttpHeaderName ms : new HttpHeaderName[] {RETRY_AFTER_MS, X_MS_RETRY_AFTER_MS}) {
            Long v = number(response.getHeaderValue(ms));
            if (v != null) {
                return Math.max(0, v);
            }
        }
        String ra = response.getHeaderValue(HttpHeaderName.RETRY_AFTER);
        if (ra == null) {
            return fallbackMs;
        }
        Long seconds = number(ra);
        if (seconds != null) {
            return Math.max(0, seconds * 1000);
        }
        try {
            ZonedDateTime at = ZonedDateTime.parse(ra.strip(), DateTimeFormatter.RFC_1123_DATE_TIME);
            return Math.max(0, Duration.between(ZonedDateTime.now(at.getZone()), at).toMillis());
        } catch (DateTimeParseException e) {
            return fallbackMs;
        }
    }

    private static Long number(String v) {
        if (v == null || !v.strip().matches("\\d{1,9}")) {
            return null;
        }
        return Long.parseLong(v.strip());
    }
}
