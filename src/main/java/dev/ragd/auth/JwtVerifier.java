package dev.ragd.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import dev.ragd.config.AuthConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code RAGD_AUTH=jwt}: accepts OIDC bearer tokens (e.g. Microsoft Entra ID access tokens) signed
 * by a key of the issuer's JWKS, with the configured issuer and audience, unexpired and already
 * valid (a minute of clock skew allowed). Only asymmetric signatures are accepted: {@code none}
 * and the HMAC algorithms (whose "secret" would be the public key) are refused before any key is
 * looked at. Nimbus JOSE+JWT does the signature and claim checks.
 */
public final class JwtVerifier implements Authenticator {

    /** Asymmetric JWS algorithms: the ones an issuer publishing a JWKS signs with. */
    static final Set<JWSAlgorithm> ALGORITHMS = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384, JWSAlgorithm.RS512,
            JWSAlgorithm.PS256, JWSAlgorithm.PS384, JWSAlgorithm.PS512, JWSAlgorithm.ES256, JWSAlgorithm.ES384,
            JWSAlgorithm.ES512, JWSAlgorithm.EdDSA, JWSAlgorithm.Ed25519);
    /** Bounds what one token may make ragd carry per request. */
    static final int MAX_TOKEN_CHARS = 16 * 1024;
    static final int MAX_GROUPS = 1_000;
    static final long MIN_REFRESH_MS = 30_000;
    static final long MAX_AGE_MS = 3_600_000;

    private final AuthConfig config;
    private final JwksCache keys;
    private final DefaultJWTClaimsVerifier<SecurityContext> claims;

    public JwtVerifier(Vertx vertx, AuthConfig config) {
        this(vertx, config, MIN_REFRESH_MS);
    }

    /** @param minRefreshMs the shortest time between two fetches of the key set */
    public JwtVerifier(Vertx vertx, AuthConfig config, long minRefreshMs) {
        this.config = config;
        this.keys = new JwksCache(vertx, config.jwtJwksUrl(), minRefreshMs, MAX_AGE_MS, System::currentTimeMillis);
        this.claims = new DefaultJWTClaimsVerifier<>(Set.of(config.jwtAudience()),
                new JWTClaimsSet.Builder().issuer(config.jwtIssuer()).build(), Set.of("exp", config.jwtUserClaim()),
                Set.of());
        keys.current(); // start loading now; readiness says so until it has
    }

    @Override
    public Future<Identity> authenticate(String credential) {
        SignedJWT jwt;
        try {
            jwt = parse(credential);
        } catch (AuthException e) {
            return Future.failedFuture(e);
        }
        String kid = jwt.getHeader().getKeyID();
        return keys.current().compose(set -> holds(set, jwt) ? Future.succeededFuture(set) : keys.refresh())
                .compose(set -> {
                    if (!holds(set, jwt)) {
                        return Future.failedFuture(new AuthException("the token is signed with a key the issuer does not publish"
                                + (kid == null ? " (no kid)" : " (kid " + printable(kid) + ")")));
                    }
                    return Future.succeededFuture(verify(jwt, set));
                });
    }

    private static SignedJWT parse(String token) {
        if (token.length() > MAX_TOKEN_CHARS) {
            throw new AuthException("the token is longer than " + MAX_TOKEN_CHARS + " characters");
        }
        if (token.chars().filter(c -> c == '.').count() != 2) {
            throw new AuthException("the credential is not a signed JWT (header.payload.signature)");
        }
        SignedJWT jwt;
        try {
            jwt = SignedJWT.parse(token);
        } catch (ParseException | RuntimeException e) {
            // Nimbus's own words on what it could not read; a header such as "null" makes it throw
            // unchecked exceptions too.
            throw new AuthException(token.endsWith(".") ? "unsigned tokens (alg none) are not accepted"
                    : "the token cannot be read" + (e instanceof ParseException ? ": " + e.getMessage() : ""));
        }
        JWSAlgorithm alg = jwt.getHeader().getAlgorithm();
        if (!ALGORITHMS.contains(alg)) {
            throw new AuthException("tokens signed with " + alg + " are not accepted (only asymmetric signatures, e.g. RS256)");
        }
        return jwt;
    }

    private static boolean holds(JWKSet set, SignedJWT jwt) {
        return !new JWKSelector(JWKMatcher.forJWSHeader(jwt.getHeader())).select(set).isEmpty();
    }

    /** The processor for one key set, built once per fetched set rather than once per token. */
    private record Processor(JWKSet keys, DefaultJWTProcessor<SecurityContext> processor) {}

    private volatile Processor current;

    private DefaultJWTProcessor<SecurityContext> processor(JWKSet set) {
        Processor p = current;
        if (p == null || p.keys() != set) {
            DefaultJWTProcessor<SecurityContext> made = new DefaultJWTProcessor<>();
            made.setJWSKeySelector(new JWSVerificationKeySelector<>(ALGORITHMS, new ImmutableJWKSet<>(set)));
            made.setJWTClaimsSetVerifier(claims);
            p = new Processor(set, made);
            current = p;
        }
        return p.processor();
    }

    private Identity verify(SignedJWT jwt, JWKSet set) {
        DefaultJWTProcessor<SecurityContext> processor = processor(set);
        JWTClaimsSet c;
        try {
            c = processor.process(jwt, null);
        } catch (BadJWTException e) {
            throw new AuthException(claimProblem(e.getMessage()));
        } catch (BadJOSEException | JOSEException | RuntimeException e) {
            throw new AuthException("the token's signature is not valid");
        }
        Object user = c.getClaim(config.jwtUserClaim());
        if (!(user instanceof String u) || u.isBlank() || u.length() > 256) {
            throw new AuthException("the token's " + config.jwtUserClaim() + " claim is not a user name");
        }
        return new Identity(u, groups(c.getClaim(config.jwtGroupsClaim())), Identity.JWT);
    }

    /** Nimbus's claim messages, in this server's words: which claim, and what was expected. */
    private String claimProblem(String nimbus) {
        String m = nimbus == null ? "" : nimbus;
        if (m.startsWith("Expired")) {
            return "the token has expired";
        }
        if (m.contains("before use time")) {
            return "the token is not valid yet (nbf in the future)";
        }
        if (m.contains("audience") || m.contains("aud claim")) {
            return "the token is for another audience (aud must include " + config.jwtAudience() + ")";
        }
        if (m.contains("missing required claims")) {
            return "the token lacks a required claim (exp, " + config.jwtUserClaim() + ")";
        }
        if (m.contains("iss claim")) {
            return "the token is from another issuer (iss must be " + config.jwtIssuer() + ")";
        }
        return "the token's claims are not accepted";
    }

    private static List<String> groups(Object claim) {
        List<String> out = new ArrayList<>();
        if (claim instanceof String s) {
            out.add(s);
        } else if (claim instanceof List<?> list) {
            for (Object o : list) {
                if (o instanceof String s && !s.isBlank() && out.size() < MAX_GROUPS) {
                    out.add(s);
                }
            }
        }
        return out;
    }

    private static String printable(String s) {
        String cut = s.length() > 64 ? s.substring(0, 64) + "…" : s;
        return cut.replaceAll("[^\\x20-\\x7e…]", "?");
    }

    @Override
    public String name() {
        return Identity.JWT;
    }

    @Override
    public String notReadyReason() {
        return keys.notReadyReason();
    }

    @Override
    public void close() {
        keys.close();
    }
}
