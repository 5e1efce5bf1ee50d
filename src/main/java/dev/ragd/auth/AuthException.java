package dev.ragd.auth;

/**
 * A credential was refused. The message is for the caller: it names what is wrong with the
 * credential (expired, wrong audience, unknown key) and never repeats the credential itself.
 */
public final class AuthException extends RuntimeException {

    private final boolean retryable;

    public AuthException(String message) {
        this(message, false);
    }

    /** @param retryable true when the server, not the credential, is at fault (signing keys unavailable) */
    public AuthException(String message, boolean retryable) {
        super(message, null, false, false);
        this.retryable = retryable;
    }

    public boolean retryable() {
        return retryable;
    }
}
