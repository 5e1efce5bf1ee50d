package dev.ragd.server;

/** A request that cannot be answered as sent; the message names the problem for the client. */
final class BadRequestException extends Exception {

    /** The request id when it could be read, else {@code null}. */
    final String requestId;
    /** For the book protocol: the WebSocket close code (1007 bad JSON, 1008 bad field). */
    final short closeCode;

    BadRequestException(String requestId, short closeCode, String message) {
        super(message, null, false, false);
        this.requestId = requestId;
        this.closeCode = closeCode;
    }

    static final short INVALID_PAYLOAD = 1007;
    static final short POLICY_VIOLATION = 1008;

    static BadRequestException badJson(String detail) {
        return new BadRequestException(null, INVALID_PAYLOAD, "invalid JSON: " + detail);
    }

    static BadRequestException field(String requestId, String message) {
        return new BadRequestException(requestId, POLICY_VIOLATION, message);
    }
}
