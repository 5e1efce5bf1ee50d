package dev.ragd.auth;

import io.vertx.core.Future;

/**
 * Turns a presented credential (an API key or a bearer token) into the {@link Identity} it proves.
 *
 * <p>Contract: thread-safe, called on event loops, never blocks (a network fetch, such as a key
 * set, is asynchronous). Fails with {@link AuthException}, whose message names the problem, for
 * any credential it does not accept; never succeeds with an anonymous identity.
 */
public interface Authenticator {

    Future<Identity> authenticate(String credential);

    /** {@code api-key} or {@code jwt}. */
    String name();

    /** Why it cannot check credentials now (e.g. signing keys never loaded), or {@code null}. */
    default String notReadyReason() {
        return null;
    }

    default void close() {}
}
