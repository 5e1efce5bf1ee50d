package dev.ragd.testsupport;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

/**
 * A local OIDC issuer for tests: RSA signing keys, their JWKS served over HTTP on an ephemeral
 * loopback port (as an identity provider publishes them), and tokens minted with any claims.
 * {@link #rotate()} replaces the published key with a new one under a new {@code kid}.
 */
public final class TestIssuer implements AutoCloseable {

    public static final String ISSUER = "https://issuer.test/";
    public static final String AUDIENCE = "api://ragd";

    private final Vertx vertx = Vertx.vertx();
    private final HttpServer server;
    private final AtomicInteger fetches = new AtomicInteger();
    private volatile RSAKey key;
    private volatile int status = 200;

    public TestIssuer() throws Exception {
        key = newKey("k1");
        server = vertx.createHttpServer().requestHandler(req -> {
            fetches.incrementAndGet();
            if (status != 200) {
                req.response().setStatusCode(status).end();
                return;
            }
            req.response().putHeader("content-type", "application/json")
                    .end(new JWKSet(key.toPublicJWK()).toString());
        }).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
    }

    public static RSAKey newKey(String kid) throws JOSEException {
        return new RSAKeyGenerator(2048).keyID(kid).generate();
    }

    public String jwksUrl() {
        return "http://127.0.0.1:" + server.actualPort() + "/keys";
    }

    /** How many times the key set was fetched. */
    public int fetches() {
        return fetches.get();
    }

    /** Answers the key-set URL with {@code httpStatus} (200 again to serve keys). */
    public void failWith(int httpStatus) {
        status = httpStatus;
    }

    /** Publishes a new key under {@code kid} instead of the current one. */
    public RSAKey rotate(String kid) throws JOSEException {
        key = newKey(kid);
        return key;
    }

    public RSAKey key() {
        return key;
    }

    /** A valid token for {@code user} in {@code groups}, for five minutes. */
    public String token(String user, List<String> groups) throws JOSEException {
        return token(user, groups, UnaryOperator.identity());
    }

    /** A token whose claims {@code edit} changes from the valid ones, signed with the current key. */
    public String token(String user, List<String> groups, UnaryOperator<JWTClaimsSet.Builder> edit) throws JOSEException {
        return sign(key, edit.apply(claims(user, groups)).build());
    }

    public static JWTClaimsSet.Builder claims(String user, List<String> groups) {
        Instant now = Instant.now();
        return new JWTClaimsSet.Builder().issuer(ISSUER).audience(AUDIENCE).subject(user)
                .claim("groups", groups).issueTime(Date.from(now)).notBeforeTime(Date.from(now.minusSeconds(5)))
                .expirationTime(Date.from(now.plusSeconds(300)));
    }

    public static String sign(RSAKey with, JWTClaimsSet claims) throws JOSEException {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(with.getKeyID()).build(), claims);
        jwt.sign(new RSASSASigner(with));
        return jwt.serialize();
    }

    @Override
    public void close() {
        try {
            vertx.close().await(10, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException(e);
        }
    }
}
