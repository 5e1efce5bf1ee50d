package dev.ragd.auth;

import com.nimbusds.jose.jwk.JWKSet;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.time.Instant;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The issuer's signing keys (a JWKS document), fetched without blocking and kept in memory. A
 * token signed with a key it does not hold triggers a refetch, so a rotated key is picked up at
 * once, but at most one fetch per {@code minRefreshMs} however many unknown {@code kid}s callers
 * make up: a flood of forged tokens cannot turn ragd into a load generator against the issuer.
 * Thread-safe; every caller shares the one fetch in flight.
 */
final class JwksCache {

    private static final Logger log = LoggerFactory.getLogger(JwksCache.class);
    /** A key set is a few kilobytes; anything far larger is not one. */
    static final int MAX_BYTES = 1 << 20;
    static final int FETCH_TIMEOUT_MS = 5_000;

    private final HttpClient client;
    private final String url;
    private final long minRefreshMs;
    private final long maxAgeMs;
    private final LongSupplier nowMs;
    private JWKSet keys;
    private long fetchedAtMs = Long.MIN_VALUE / 2;
    private long triedAtMs = Long.MIN_VALUE / 2;
    private Future<JWKSet> inFlight;
    private String lastError;

    JwksCache(Vertx vertx, String url, long minRefreshMs, long maxAgeMs, LongSupplier nowMs) {
        this.client = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(FETCH_TIMEOUT_MS));
        this.url = url;
        this.minRefreshMs = minRefreshMs;
        this.maxAgeMs = maxAgeMs;
        this.nowMs = nowMs;
    }

    /** The key set, fetched first if none is held or it is older than the maximum age. */
    synchronized Future<JWKSet> current() {
        if (keys != null && nowMs.getAsLong() - fetchedAtMs < maxAgeMs) {
            return Future.succeededFuture(keys);
        }
        return refresh();
    }

    /**
     * A fresher key set for a token whose key is unknown: fetched again unless the last attempt is
     * under {@code minRefreshMs} old, in which case the set held (or the failure) is the answer.
     */
    synchronized Future<JWKSet> refresh() {
        if (inFlight != null) {
            return inFlight;
        }
        if (nowMs.getAsLong() - triedAtMs < minRefreshMs) {
            return keys != null ? Future.succeededFuture(keys)
                    : Future.failedFuture(new AuthException(unavailable(), true));
        }
        return fetch();
    }

    /** Why no key set is held, or {@code null}. */
    synchronized String notReadyReason() {
        return keys != null ? null : lastError == null ? "signing keys not loaded yet from RAGD_JWT_JWKS_URL" : unavailable();
    }

    private String unavailable() {
        return "the signing keys could not be loaded from RAGD_JWT_JWKS_URL" + (lastError == null ? "" : ": " + lastError);
    }

    private Future<JWKSet> fetch() {
        if (inFlight != null) {
            return inFlight;
        }
        triedAtMs = nowMs.getAsLong();
        Promise<JWKSet> done = Promise.promise();
        inFlight = done.future();
        client.request(new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(url)
                        .putHeader("accept", "application/json").setTimeout(FETCH_TIMEOUT_MS))
                .compose(req -> req.send().compose(resp -> {
                    if (resp.statusCode() != 200) {
                        return Future.failedFuture("HTTP " + resp.statusCode());
                    }
                    String length = resp.getHeader("content-length");
                    if (length != null && length.length() < 12 && Long.parseLong(length) > MAX_BYTES) {
                        return Future.failedFuture("a key set of " + length + " bytes is larger than " + MAX_BYTES);
                    }
                    return resp.body();
                }))
                .map(body -> {
                    if (body.length() > MAX_BYTES) {
                        throw new IllegalStateException("a key set larger than " + MAX_BYTES + " bytes");
                    }
                    try {
                        return JWKSet.parse(body.toString());
                    } catch (java.text.ParseException e) {
                        throw new IllegalStateException("not a JWKS document: " + e.getMessage());
                    }
                })
                .onComplete(ar -> settle(ar.succeeded() ? ar.result() : null, ar.cause(), done));
        return inFlight;
    }

    private synchronized void settle(JWKSet fetched, Throwable failure, Promise<JWKSet> done) {
        inFlight = null;
        if (fetched != null) {
            boolean first = keys == null;
            keys = fetched;
            fetchedAtMs = nowMs.getAsLong();
            lastError = null;
            log.atInfo().addKeyValue("keys", fetched.getKeys().size()).addKeyValue("first", first)
                    .log("loaded the token signing keys");
            done.complete(fetched);
            return;
        }
        lastError = failure.getMessage() + " at " + Instant.now();
        log.atWarn().addKeyValue("url", url).addKeyValue("cause", failure.getMessage())
                .log("could not load the token signing keys");
        if (keys != null) {
            done.complete(keys); // keep serving with the keys held: an issuer's outage is not ours
        } else {
            done.fail(new AuthException(unavailable(), true));
        }
    }

    void close() {
        client.close();
    }
}
