package dev.ragd.auth;

import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * {@code RAGD_AUTH=api-key}: accepts the configured keys. Only their SHA-256 hashes are kept; a
 * presented key is hashed and compared with every one of them in constant time, with no early
 * exit, so neither the comparison nor the number of keys tried leaks through timing. Several keys
 * may be valid at once (rotation: add the new key, move clients, remove the old one).
 */
public final class ApiKeys implements Authenticator {

    private record Entry(byte[] hash, String user) {}

    private volatile List<Entry> entries;

    /** @param keys entries {@code name=key} or bare keys (as {@code AuthConfig} checked them) */
    public ApiKeys(List<String> keys) {
        replace(keys);
    }

    /** Swaps in a new key list (a rotated secret file); requests in flight keep the list they read. */
    public void replace(List<String> keys) {
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("no API keys");
        }
        entries = keys.stream().map(ApiKeys::entry).toList();
    }

    private static Entry entry(String configured) {
        int eq = configured.indexOf('=');
        String key = eq < 0 ? configured : configured.substring(eq + 1);
        byte[] hash = sha256(key);
        String user = eq < 0 ? "key-" + HexFormat.of().formatHex(hash, 0, 6) : configured.substring(0, eq);
        return new Entry(hash, user);
    }

    @Override
    public Future<Identity> authenticate(String credential) {
        byte[] presented = sha256(credential);
        String match = null;
        for (Entry e : entries) {
            boolean equal = MessageDigest.isEqual(presented, e.hash());
            if (equal && match == null) {
                match = e.user();
            }
        }
        return match == null ? Future.failedFuture(new AuthException("the API key is not valid"))
                : Future.succeededFuture(new Identity(match, List.of(), Identity.API_KEY));
    }

    @Override
    public String name() {
        return Identity.API_KEY;
    }

    static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
