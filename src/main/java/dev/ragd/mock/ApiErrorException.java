package dev.ragd.mock;

/** Carries an {@link ApiError} out of request parsing. */
final class ApiErrorException extends RuntimeException {

    private final transient ApiError error;

    ApiErrorException(ApiError error) {
        super(error.message(), null, false, false);
        this.error = error;
    }

    ApiError error() {
        return error;
    }
}
