package dev.ragd.e2e;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.RSAKey;
import dev.ragd.testsupport.TestIssuer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * Generators of what an attacker presents as a credential: a valid token cut, with a character
 * changed, with parts swapped or dropped, re-signed with the wrong key, or with forged headers
 * ({@code alg: none}, HMAC, odd or enormous {@code kid}s); made-up dotted base64; and ordinary
 * garbage. Only header-safe characters are produced, so each reaches ragd as sent.
 */
final class HostileCredentials {

    private HostileCredentials() {}

    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    static String b64(String json) {
        return B64.encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    /** Tokens, each refused by an issuer whose one good token is {@code valid}. */
    static Arbitrary<String> tokens(String valid, RSAKey issuerKey) {
        String[] p = valid.split("\\.");
        Arbitrary<String> mutated = Combinators.combine(Arbitraries.integers().between(0, valid.length() - 1),
                Arbitraries.chars().with("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.")).as((i, c) -> {
                    char old = valid.charAt(i);
                    char now = c == old ? (old == 'A' ? 'B' : 'A') : c;
                    return valid.substring(0, i) + now + valid.substring(i + 1);
                }).filter(t -> !t.equals(valid) && !sameBytes(t, valid));
        Arbitrary<String> cut = Arbitraries.integers().between(0, valid.length() - 1).map(n -> valid.substring(0, n));
        Arbitrary<String> forgedHeaders = Arbitraries.of(
                "{\"alg\":\"none\"}", "{\"alg\":\"NONE\",\"typ\":\"JWT\"}", "{\"alg\":\"HS256\",\"kid\":\"k1\"}",
                "{\"alg\":\"RS256\"}", "{\"alg\":\"RS256\",\"kid\":\"" + "k".repeat(5000) + "\"}",
                "{\"alg\":\"RS256\",\"kid\":\"../../etc/passwd\"}", "{\"alg\":\"RS256\",\"kid\":\"\\u0000\"}",
                "{\"alg\":\"RS256\",\"jku\":\"http://127.0.0.1:1/keys\",\"kid\":\"x\"}", "{\"alg\":\"ES256\",\"kid\":\"k1\"}",
                "{}", "[]", "null", "{\"alg\":\"RS256\",\"crit\":[\"exp\"],\"kid\":\"k1\"}")
                .map(h -> b64(h) + "." + p[1] + "." + p[2]);
        Arbitrary<String> swapped = Arbitraries.of(p[1] + "." + p[0] + "." + p[2], p[0] + "." + p[1] + ".",
                p[0] + ".." + p[2], p[0] + "." + p[1], "." + p[1] + "." + p[2], p[0] + "." + p[1] + "." + p[2] + "." + p[2],
                p[0] + "." + b64("{\"sub\":\"mallory\",\"exp\":9999999999}") + "." + p[2]);
        Arbitrary<String> wrongKey = Arbitraries.of("alice", "admin", "mallory").map(user -> {
            try {
                RSAKey other = TestIssuer.newKey(issuerKey.getKeyID());
                return TestIssuer.sign(other, TestIssuer.claims(user, List.of("admins"))
                        .expirationTime(Date.from(Instant.now().plusSeconds(3600))).build());
            } catch (JOSEException e) {
                throw new IllegalStateException(e);
            }
        });
        Arbitrary<String> garbage = Arbitraries.oneOf(
                Arbitraries.strings().withChars("abcXYZ019-_.~+").ofMinLength(1).ofMaxLength(300),
                Arbitraries.strings().withChars("abc.").ofMinLength(1000).ofMaxLength(20_000),
                Arbitraries.strings().alpha().numeric().ofMinLength(10).ofMaxLength(60).list().ofSize(3)
                        .map(l -> String.join(".", l)));
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(4, mutated), net.jqwik.api.Tuple.of(2, cut), net.jqwik.api.Tuple.of(2, forgedHeaders),
                net.jqwik.api.Tuple.of(1, swapped), net.jqwik.api.Tuple.of(1, wrongKey), net.jqwik.api.Tuple.of(2, garbage))
                .filter(t -> !t.isEmpty());
    }

    /** A change in a base64url string's last character may only touch padding bits: then it is the same token. */
    private static boolean sameBytes(String a, String b) {
        try {
            String[] x = a.split("\\.", -1);
            String[] y = b.split("\\.", -1);
            if (x.length != 3 || y.length != 3) {
                return false;
            }
            for (int i = 0; i < 3; i++) {
                if (!java.util.Arrays.equals(Base64.getUrlDecoder().decode(x[i]), Base64.getUrlDecoder().decode(y[i]))) {
                    return false;
                }
            }
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** {@code Authorization} header values: hostile tokens under every scheme and spacing. */
    static Arbitrary<String> authorizations(Arbitrary<String> tokens) {
        Arbitrary<String> scheme = Arbitraries.of("Bearer ", "bearer ", "BEARER  ", "Bearer\t", "Basic ", "Token ", "",
                "Bearer");
        return Arbitraries.oneOf(Combinators.combine(scheme, tokens).as(String::concat),
                Arbitraries.of("Bearer", "Bearer ", "Bearer  ", ",", "Bearer a b c", "Negotiate abc"));
    }
}
