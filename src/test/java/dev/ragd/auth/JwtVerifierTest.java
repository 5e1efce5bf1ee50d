package dev.ragd.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import dev.ragd.config.AuthConfig;
import dev.ragd.config.Env;
import dev.ragd.testsupport.TestIssuer;
import io.vertx.core.Vertx;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code RAGD_AUTH=jwt} against a local issuer whose key set is served over HTTP: the accept path,
 * each way a token is refused (with a message naming why), key rotation, and a flood of unknown
 * key ids that must not become a flood of key-set fetches.
 */
class JwtVerifierTest {

    private final Vertx vertx = Vertx.vertx();
    private TestIssuer issuer;

    @BeforeEach
    void start() throws Exception {
        issuer = new TestIssuer();
    }

    @AfterEach
    void stop() throws Exception {
        issuer.close();
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    private AuthConfig config() {
        return AuthConfig.from(new Env(Map.of("RAGD_AUTH", "jwt", "RAGD_JWT_ISSUER", TestIssuer.ISSUER,
                "RAGD_JWT_AUDIENCE", TestIssuer.AUDIENCE, "RAGD_JWT_JWKS_URL", issuer.jwksUrl())));
    }

    private JwtVerifier verifier(long minRefreshMs) {
        return new JwtVerifier(vertx, config(), minRefreshMs);
    }

    private static Identity accept(JwtVerifier v, String token) throws Exception {
        return v.authenticate(token).await(10, TimeUnit.SECONDS);
    }

    private static String refusal(JwtVerifier v, String token) {
        Throwable t = catchThrowable(() -> v.authenticate(token).await(10, TimeUnit.SECONDS));
        assertThat(t).isInstanceOf(AuthException.class);
        assertThat(t.getMessage()).doesNotContain(token);
        return t.getMessage();
    }

    @Test
    void aValidTokenProvesItsSubjectAndGroups() throws Exception {
        Identity id = accept(verifier(0), issuer.token("alice", List.of("eng", "sales")));
        assertThat(id).isEqualTo(new Identity("alice", List.of("eng", "sales"), Identity.JWT));
    }

    @Test
    void expiredNotYetValidWrongAudienceAndWrongIssuerAreRefusedByName() throws Exception {
        JwtVerifier v = verifier(0);
        Instant now = Instant.now();
        assertThat(refusal(v, issuer.token("a", List.of(), b -> b.expirationTime(Date.from(now.minusSeconds(600))))))
                .contains("expired");
        assertThat(refusal(v, issuer.token("a", List.of(), b -> b.notBeforeTime(Date.from(now.plusSeconds(600))))))
                .contains("not valid yet");
        assertThat(refusal(v, issuer.token("a", List.of(), b -> b.audience("api://other")))).contains("audience");
        assertThat(refusal(v, issuer.token("a", List.of(), b -> b.issuer("https://evil.test/")))).contains("issuer");
        assertThat(refusal(v, issuer.token("a", List.of(), b -> b.expirationTime(null)))).contains("required claim");
    }

    @Test
    void aTokenSignedByAnotherKeyUnderTheSameKidIsRefused() throws Exception {
        RSAKey impostor = TestIssuer.newKey(issuer.key().getKeyID());
        String forged = TestIssuer.sign(impostor, TestIssuer.claims("mallory", List.of("admins")).build());
        assertThat(refusal(verifier(0), forged)).contains("signature");
    }

    @Test
    void unsignedAndSymmetricTokensAreRefusedBeforeAnyKeyIsTried() throws Exception {
        JwtVerifier v = verifier(0);
        String none = new PlainJWT(TestIssuer.claims("mallory", List.of()).build()).serialize();
        assertThat(refusal(v, none)).contains("alg none");
        // HS256 "signed" with the public key's bytes: the classic algorithm-confusion forgery.
        SignedJWT hs = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(issuer.key().getKeyID()).build(),
                TestIssuer.claims("mallory", List.of()).build());
        byte[] secret = java.util.Arrays.copyOf(issuer.key().toPublicJWK().toJSONString().getBytes(), 64);
        hs.sign(new MACSigner(secret));
        assertThat(refusal(v, hs.serialize())).contains("HS256").contains("not accepted");
        assertThat(refusal(v, "not-a-token")).contains("not a signed JWT");
        assertThat(refusal(v, "a.b.c")).contains("cannot be read");
    }

    @Test
    void anUnknownKidFetchesTheRotatedKeySetAndIsThenAccepted() throws Exception {
        JwtVerifier v = verifier(0);
        accept(v, issuer.token("alice", List.of()));
        int before = issuer.fetches();
        issuer.rotate("k2");
        Identity id = accept(v, issuer.token("alice", List.of()));
        assertThat(id.user()).isEqualTo("alice");
        assertThat(issuer.fetches()).isEqualTo(before + 1);
    }

    @Test
    void aFloodOfUnknownKidsFetchesTheKeySetAtMostOncePerInterval() throws Exception {
        JwtVerifier v = verifier(60_000);
        accept(v, issuer.token("alice", List.of()));
        int before = issuer.fetches();
        for (int i = 0; i < 50; i++) {
            RSAKey made = TestIssuer.newKey("made-up-" + i);
            String t = TestIssuer.sign(made, TestIssuer.claims("mallory", List.of()).build());
            assertThat(refusal(v, t)).contains("does not publish").contains("made-up-" + i);
        }
        assertThat(issuer.fetches() - before).isLessThanOrEqualTo(1);
    }

    @Test
    void unreachableKeysMakeItNotReadyAndRefuseAsRetryable() throws Exception {
        issuer.failWith(500);
        JwtVerifier v = verifier(0);
        Throwable t = catchThrowable(() -> v.authenticate(issuer.token("alice", List.of())).await(10, TimeUnit.SECONDS));
        assertThat(t).isInstanceOf(AuthException.class);
        assertThat(((AuthException) t).retryable()).isTrue();
        assertThat(t.getMessage()).contains("RAGD_JWT_JWKS_URL").contains("HTTP 500");
        assertThat(v.notReadyReason()).contains("RAGD_JWT_JWKS_URL");
        issuer.failWith(200);
        assertThat(accept(v, issuer.token("alice", List.of())).user()).isEqualTo("alice");
        assertThat(v.notReadyReason()).isNull();
    }
}
