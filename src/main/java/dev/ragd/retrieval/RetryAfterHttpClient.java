package dev.ragd.retrieval;

import dev.langchain4j.exception.HttpException;
import dev.langchain4j.http.client.HttpClient;
import dev.langchain4j.http.client.HttpClientBuilder;
import dev.langchain4j.http.client.HttpRequest;
import dev.langchain4j.http.client.SuccessfulHttpResponse;
import dev.langchain4j.http.client.sse.ServerSentEventListener;
import dev.langchain4j.http.client.sse.ServerSentEventParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpHeaders;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Set;

/**
 * LangChain4j's HTTP client interface on the JDK's client, for the one-shot OpenAI calls
 * (embeddings). It differs from LangChain4j's own JDK client in one way: a refused request throws
 * {@link Refused}, which keeps the delay the server asked for ({@code retry-after-ms}, else
 * {@code Retry-After} in seconds or as an HTTP date), so that a caller can wait exactly that long
 * instead of guessing. LangChain4j maps it to its own exceptions with this one as the cause.
 */
final class RetryAfterHttpClient implements HttpClient {

    /** A delay as the headers give it: plain digits, maybe a fraction (no sign, exponent or NaN). */
    private static final String NUMBER = "\\d{1,9}(\\.\\d{1,9})?";

    /** Headers the JDK client sets itself and refuses from callers. */
    private static final Set<String> RESTRICTED = Set.of("connection", "content-length", "expect", "host", "upgrade");

    /** A non-2xx response, with the delay it asked for; its body is kept to {@value #MAX_BODY_CHARS} characters. */
    static final class Refused extends HttpException {
        static final int MAX_BODY_CHARS = 2_000;
        private final Long retryAfterMs;

        Refused(int status, String body, Long retryAfterMs) {
            super(status, body == null || body.length() <= MAX_BODY_CHARS ? body : body.substring(0, MAX_BODY_CHARS) + "…");
            this.retryAfterMs = retryAfterMs;
        }

        /** Milliseconds the server asked to wait, or {@code null} when it named no (readable) delay. */
        Long retryAfterMs() {
            return retryAfterMs;
        }
    }

    /** Builds the client with LangChain4j's timeouts. */
    static final class Builder implements HttpClientBuilder {
        private Duration connectTimeout = Duration.ofSeconds(15);
        private Duration readTimeout = Embedders.REMOTE_TIMEOUT;

        @Override
        public Duration connectTimeout() {
            return connectTimeout;
        }

        @Override
        public Builder connectTimeout(Duration timeout) {
            if (timeout != null) {
                connectTimeout = timeout;
            }
            return this;
        }

        @Override
        public Duration readTimeout() {
            return readTimeout;
        }

        @Override
        public Builder readTimeout(Duration timeout) {
            if (timeout != null) {
                readTimeout = timeout;
            }
            return this;
        }

        @Override
        public RetryAfterHttpClient build() {
            // HTTP/1.1: on a plain http:// URL (a local model server) the JDK's default HTTP/2 would first
            // try an h2c upgrade, which not every OpenAI-compatible server handles
            return new RetryAfterHttpClient(java.net.http.HttpClient.newBuilder().connectTimeout(connectTimeout)
                    .version(java.net.http.HttpClient.Version.HTTP_1_1).build(), readTimeout);
        }
    }

    private final java.net.http.HttpClient client;
    private final Duration readTimeout;

    private RetryAfterHttpClient(java.net.http.HttpClient client, Duration readTimeout) {
        this.client = client;
        this.readTimeout = readTimeout;
    }

    @Override
    public SuccessfulHttpResponse execute(HttpRequest request) {
        java.net.http.HttpRequest.Builder b = java.net.http.HttpRequest.newBuilder(URI.create(request.url()))
                .timeout(readTimeout)
                .method(request.method().name(), request.body() == null
                        ? java.net.http.HttpRequest.BodyPublishers.noBody()
                        : java.net.http.HttpRequest.BodyPublishers.ofString(request.body()));
        request.headers().forEach((name, values) -> {
            if (!RESTRICTED.contains(name.toLowerCase(Locale.ROOT))) {
                values.forEach(v -> b.header(name, v));
            }
        });
        HttpResponse<String> response;
        try {
            response = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while calling " + request.url(), e);
        }
        if (response.statusCode() / 100 != 2) {
            throw new Refused(response.statusCode(), response.body(),
                    retryAfterMs(response.headers(), System.currentTimeMillis()));
        }
        return SuccessfulHttpResponse.builder().statusCode(response.statusCode())
                .headers(response.headers().map()).body(response.body()).build();
    }

    @Override
    public void execute(HttpRequest request, ServerSentEventParser parser, ServerSentEventListener listener) {
        throw new UnsupportedOperationException("this client makes one-shot calls only (ragd streams chat elsewhere)");
    }

    /** The delay a response asks for, in milliseconds, or {@code null} when it names none readable. */
    static Long retryAfterMs(HttpHeaders headers, long nowMs) {
        var ms = headers.firstValue("retry-after-ms").map(String::strip).filter(v -> v.matches(NUMBER));
        if (ms.isPresent()) {
            return (long) Double.parseDouble(ms.get());
        }
        var ra = headers.firstValue("retry-after").map(String::strip).filter(v -> !v.isEmpty());
        if (ra.isEmpty()) {
            return null;
        }
        if (ra.get().matches(NUMBER)) {
            return (long) (Double.parseDouble(ra.get()) * 1000);
        } else {
            try {
                return Math.max(0, ZonedDateTime.parse(ra.get(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant()
                        .toEpochMilli() - nowMs);
            } catch (DateTimeParseException notDate) {
                return null;
            }
        }
    }
}
