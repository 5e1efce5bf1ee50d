package dev.ragd.retrieval;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.exception.HttpException;
import dev.langchain4j.exception.RateLimitException;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.output.Response;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A hosted embedding model that waits out its rate limit instead of failing, for ingestion: a
 * refused call (429) is repeated after the delay the service named ({@code retry-after-ms} or
 * {@code Retry-After}), or after an exponential back-off when it named none, for as long as
 * {@code maxWait} in total per call; a transient failure (timeout, connection error, 5xx) is
 * repeated up to {@code transientRetries} times. Any other failure (a bad key, a bad request) is
 * thrown at once. A refusal pauses every caller sharing this model until the delay has passed, so
 * that concurrent batches do not spend the quota's reset on calls that are refused again.
 *
 * <p>Not for query-time embedding: a search must fail fast and fall back, not wait a minute.
 * Thread-safe.
 */
public final class PatientEmbeddingModel implements EmbeddingModel {

    /** Told of every wait, e.g. to show it in a progress bar. */
    @FunctionalInterface
    public interface Listener {
        /**
         * @param delayMs how long calls now wait
         * @param reason  what the service said, e.g. {@code 429 rate limited (Retry-After 7 s)}
         */
        void waiting(long delayMs, String reason);
    }

    /** Sleeps; replaced in tests. */
    @FunctionalInterface
    interface Sleeper {
        void sleep(long ms) throws InterruptedException;
    }

    /** The longest a single call waits, in total, for a rate limit before the ingestion fails. */
    public static final Duration DEFAULT_MAX_WAIT = Duration.ofMinutes(10);
    /** Transient failures (not rate limits) repeated per call. */
    public static final int DEFAULT_TRANSIENT_RETRIES = 3;
    private static final long FIRST_BACKOFF_MS = 1_000;
    /** The shortest wait between two calls of one batch, whatever the service says. */
    static final long MIN_DELAY_MS = 250;
    /** Causes looked at, at most: a cycle of causes must not loop forever. */
    private static final int MAX_CAUSES = 32;
    private static final long MAX_BACKOFF_MS = 60_000;
    private static final Logger log = LoggerFactory.getLogger(PatientEmbeddingModel.class);

    private final EmbeddingModel delegate;
    private final long maxWaitMs;
    private final int transientRetries;
    private final Listener listener;
    private final Sleeper sleeper;
    private final LongSupplier clockMs;
    /** Wall-clock time before which no caller sends: the end of the last refusal's delay. */
    private final AtomicLong resumeAtMs = new AtomicLong();

    public PatientEmbeddingModel(EmbeddingModel delegate, Listener listener) {
        this(delegate, DEFAULT_MAX_WAIT, DEFAULT_TRANSIENT_RETRIES, listener, Thread::sleep, System::currentTimeMillis);
    }

    PatientEmbeddingModel(EmbeddingModel delegate, Duration maxWait, int transientRetries, Listener listener,
            Sleeper sleeper, LongSupplier clockMs) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.maxWaitMs = maxWait.toMillis();
        this.transientRetries = transientRetries;
        this.listener = listener == null ? (ms, why) -> {} : listener;
        this.sleeper = sleeper;
        this.clockMs = clockMs;
    }

    @Override
    public Response<List<Embedding>> embedAll(List<TextSegment> segments) {
        long waitedMs = 0;
        int refusals = 0;
        int transients = 0;
        while (true) {
            holdOff();
            try {
                return delegate.embedAll(segments);
            } catch (RuntimeException e) {
                Failure f = Failure.of(e);
                long delay;
                if (f.rateLimited()) {
                    delay = f.retryAfterMs() != null ? f.retryAfterMs() : backoff(refusals);
                    refusals++;
                } else if (f.transientFailure() && transients < transientRetries) {
                    delay = f.retryAfterMs() != null ? f.retryAfterMs() : backoff(transients);
                    transients++;
                } else if (f.transientFailure()) {
                    throw new IllegalStateException("the embedding service failed " + (transients + 1)
                            + " times in a row (" + f.describe() + ": " + innermost(e) + ")", e);
                } else {
                    throw e;
                }
                // a service that says "retry after 0" while refusing again would otherwise be
                // called in a tight loop, and the wait would never add up to maxWait
                delay = Math.max(MIN_DELAY_MS, delay);
                if (waitedMs + delay > maxWaitMs) {
                    throw new IllegalStateException("the embedding service kept refusing: gave up after waiting "
                            + Duration.ofMillis(waitedMs).toSeconds() + " s (" + f.describe() + ")", e);
                }
                waitedMs += delay;
                resumeAtMs.accumulateAndGet(clockMs.getAsLong() + delay, Math::max);
                log.atInfo().addKeyValue("delay_ms", delay).addKeyValue("reason", f.describe())
                        .log("embedding call failed; waiting before repeating it");
                listener.waiting(delay, f.describe());
            }
        }
    }

    /**
     * What went wrong, as {@code Name: message}: the first I/O error among the causes (such as
     * {@code ConnectException}; the JDK wraps it around a less telling one), else the deepest cause.
     */
    static String innermost(Throwable e) {
        Throwable t = e;
        for (int depth = 0; !(t instanceof IOException) && t.getCause() != null && t.getCause() != t
                && depth < MAX_CAUSES; depth++) {
            t = t.getCause();
        }
        String name = t.getClass().getSimpleName();
        return t.getMessage() == null || t.getMessage().isBlank() ? name : name + ": " + t.getMessage();
    }

    private void holdOff() {
        long wait;
        while ((wait = resumeAtMs.get() - clockMs.getAsLong()) > 0) {
            try {
                sleeper.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the embedding service", e);
            }
        }
    }

    private static long backoff(int attempt) {
        return Math.min(MAX_BACKOFF_MS, FIRST_BACKOFF_MS << Math.min(attempt, 16));
    }

    @Override
    public int dimension() {
        return delegate.dimension();
    }

    @Override
    public String modelName() {
        return delegate.modelName();
    }

    /** What a failure says about repeating the call. */
    record Failure(int status, Long retryAfterMs, boolean rateLimited, boolean transientFailure) {

        static Failure of(Throwable e) {
            int status = -1;
            Long retryAfter = null;
            boolean limited = false;
            boolean transientFailure = false;
            boolean outOfCredit = false;
            int depth = 0;
            for (Throwable t = e; t != null && depth++ < MAX_CAUSES; t = t.getCause() == t ? null : t.getCause()) {
                if (t instanceof RetryAfterHttpClient.Refused r && retryAfter == null) {
                    retryAfter = r.retryAfterMs();
                    // OpenAI's 429 for an exhausted balance: waiting does not help
                    outOfCredit |= r.getMessage() != null && r.getMessage().contains("insufficient_quota");
                }
                if (t instanceof com.azure.core.exception.HttpResponseException h && h.getResponse() != null) {
                    status = h.getResponse().getStatusCode();
                    retryAfter = retryAfter != null ? retryAfter : AzureRetryAfter.millis(h.getResponse());
                }
                if (t instanceof HttpException h && status < 0) {
                    status = h.statusCode();
                }
                limited |= t instanceof RateLimitException;
                transientFailure |= t instanceof IOException || t instanceof UncheckedIOException
                        || t instanceof dev.langchain4j.exception.TimeoutException
                        || t instanceof java.util.concurrent.TimeoutException;
            }
            limited = (limited || status == 429) && !outOfCredit;
            transientFailure |= status == 408 || status >= 500;
            return new Failure(status, retryAfter, limited, transientFailure && !limited && !outOfCredit);
        }

        String describe() {
            String what = rateLimited ? "rate limited" : transientFailure ? "transient failure" : "failure";
            String code = status > 0 ? status + " " : "";
            String after = retryAfterMs == null ? "" : " (Retry-After " + (retryAfterMs + 999) / 1000 + " s)";
            return code + what + after;
        }
    }

    /** The Azure SDK's response headers, read as {@link RetryAfterHttpClient} reads the JDK's. */
    private static final class AzureRetryAfter {
        static Long millis(com.azure.core.http.HttpResponse response) {
            try {
                java.util.Map<String, java.util.List<String>> map = new java.util.HashMap<>();
                response.getHeaders().forEach(h -> map.put(h.getName(), h.getValuesList()));
                return RetryAfterHttpClient.retryAfterMs(java.net.http.HttpHeaders.of(map, (a, b) -> true),
                        System.currentTimeMillis());
            } catch (RuntimeException unreadable) {
                return null; // odd headers must not hide the failure they came with
            }
        }
    }
}
