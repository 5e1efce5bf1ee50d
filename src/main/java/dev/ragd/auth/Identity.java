package dev.ragd.auth;

import java.util.List;
import java.util.Objects;

/**
 * Who is asking, as the credential proves it (never as the client claims it).
 *
 * @param user   the user: an API key's name, a token's user claim, or an anonymous caller's address
 * @param groups the groups the token lists (empty for keys and anonymous callers)
 * @param scheme how it was proven: {@code anonymous}, {@code api-key} or {@code jwt}
 */
public record Identity(String user, List<String> groups, String scheme) {

    public static final String ANONYMOUS = "anonymous";
    public static final String API_KEY = "api-key";
    public static final String JWT = "jwt";

    public Identity {
        Objects.requireNonNull(user, "user");
        groups = List.copyOf(groups);
        Objects.requireNonNull(scheme, "scheme");
    }

    /** An anonymous caller, known only by its address (its quota key). */
    public static Identity anonymous(String address) {
        return new Identity(address == null ? "unknown" : address, List.of(), ANONYMOUS);
    }

    /** The user a credential proved {@code identity} to be; {@code null} when none did (anonymous, or no identity). */
    public static String signedIn(Identity identity) {
        return identity != null && identity.authenticated() ? identity.user() : null;
    }

    /** True when a credential proved this identity. */
    public boolean authenticated() {
        return !ANONYMOUS.equals(scheme);
    }

    /**
     * The key its fair-use counts are kept under: the scheme keeps a key named {@code alice} apart
     * from a token whose user is {@code alice}, and both apart from an address.
     */
    public String quotaKey() {
        return scheme + ":" + user;
    }
}
