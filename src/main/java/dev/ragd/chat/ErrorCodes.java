package dev.ragd.chat;

/** The stable error codes clients see (documented in docs/protocol.md). */
public final class ErrorCodes {

    /** The request is malformed or misses a field; the message names the problem. */
    public static final String BAD_REQUEST = "bad_request";
    /** The question is longer than {@code RAGD_MAX_QUESTION_CHARS}. */
    public static final String QUESTION_TOO_LONG = "question_too_long";
    /** The HTTP body is larger than the server accepts. */
    public static final String PAYLOAD_TOO_LARGE = "payload_too_large";
    /** The client sent its request headers or body too slowly (RAGD_REQUEST_TIMEOUT_MS); retryable. */
    public static final String REQUEST_TIMEOUT = "request_timeout";
    /** Too many requests in flight on one WebSocket, or connections from one address; retryable. */
    public static final String TOO_MANY_REQUESTS = "too_many_requests";
    /** Searching the index failed; retryable. */
    public static final String RETRIEVAL_FAILED = "retrieval_failed";
    /** The search service (Azure AI Search) kept refusing (429/503) for the whole search budget; retryable, with {@code retry_after_ms}. */
    public static final String SEARCH_UNAVAILABLE = "search_unavailable";
    /** Writing the answer failed; retryable. */
    public static final String GENERATION_FAILED = "generation_failed";
    /** The answer could not be written to the chat log, so it is not delivered; retryable. */
    public static final String CHATLOG_UNAVAILABLE = "chatlog_unavailable";
    /** The model upstream rate-limited ragd and retries ran out; retryable, maybe with retry_after_ms. */
    public static final String RATE_LIMITED = "rate_limited";
    /** The model upstream failed (5xx, refused connection) and retries ran out; retryable. */
    public static final String UPSTREAM_UNAVAILABLE = "upstream_unavailable";
    /** The model did not start answering in time; retryable. */
    public static final String UPSTREAM_TIMEOUT = "upstream_timeout";
    /** The model stopped after part of the answer was sent; the partial answer is logged as failed. */
    public static final String ANSWER_CUT = "answer_cut";
    /** ragd stopped calling the failing model for a while (circuit breaker); retryable after retry_after_ms. */
    public static final String CIRCUIT_OPEN = "circuit_open";
    /** This replica is at RAGD_MAX_CONCURRENT_GENERATIONS; retryable after retry_after_ms. */
    public static final String BUSY = "busy";
    /** The model upstream refused ragd's credentials; not retryable (an operator must fix it). */
    public static final String UPSTREAM_AUTH = "upstream_auth";
    /** The model upstream rejected the request (e.g. unknown deployment); not retryable. */
    public static final String UPSTREAM_BAD_REQUEST = "upstream_bad_request";
    /** This replica is draining for shutdown; retry (the load balancer sends it to another replica). */
    public static final String SHUTTING_DOWN = "shutting_down";
    /** This replica is still warming up ({@code RAGD_WARMUP_MS}); retry (a proxy sends it to another replica). */
    public static final String WARMING_UP = "warming_up";
    /** The request came from a web page of another site (its {@code Origin} is not allowed). */
    public static final String ORIGIN_NOT_ALLOWED = "origin_not_allowed";
    /** The {@code Host} header names a host this server does not answer for ({@code RAGD_ALLOWED_HOSTS}). */
    public static final String HOST_NOT_ALLOWED = "host_not_allowed";
    /** The body is not {@code application/json}. */
    public static final String UNSUPPORTED_MEDIA_TYPE = "unsupported_media_type";
    /** The request carries no credential, or one this server does not accept; the message says which. */
    public static final String UNAUTHORIZED = "unauthorized";
    /** The credential cannot be checked right now (the issuer's signing keys are unreachable); retryable. */
    public static final String AUTH_UNAVAILABLE = "auth_unavailable";
    /** The caller is over one of its own limits (questions or model tokens per minute, answers at once); retryable after retry_after_ms. */
    public static final String QUOTA_EXCEEDED = "quota_exceeded";
    /** The conversation sent is longer than the server accepts (RAGD_MAX_HISTORY_ENTRIES, RAGD_MAX_HISTORY_CHARS). */
    public static final String HISTORY_TOO_LONG = "history_too_long";
    /** This server is configured not to do what was asked (feedback with RAGD_CHATLOG=none); not retryable. */
    public static final String NOT_SUPPORTED = "not_supported";
    /** A resume of an answer whose frames are no longer kept, and whose record holds no finished answer. */
    public static final String RESUME_EXPIRED = "resume_expired";
    /** A bug or an unexpected failure. */
    public static final String INTERNAL_ERROR = "internal_error";
    /** No such answer (running, or to act on) for this caller: a stop for one that ended or is elsewhere. */
    public static final String NOT_FOUND = "not_found";

    /** The message shown for a question over the limit (the book's wording). */
    public static final String TOO_LONG_MESSAGE = "Sorry, your question is too long.";

    private ErrorCodes() {}
}
