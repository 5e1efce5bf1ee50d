package dev.ragd.quota;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/** Fixed-length stand-ins for identities, which come from clients and may be of any length. */
final class Digests {

    private Digests() {}

    /** SHA-256 of the UTF-8 bytes, base64url without padding: 43 characters. */
    static String sha256(String text) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(digest("SHA-256", text));
    }

    static byte[] digest(String algorithm, String text) {
        try {
            return MessageDigest.getInstance(algorithm).digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " is missing from this JDK", e);
        }
    }
}
