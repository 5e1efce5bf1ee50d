package dev.ragd.observe;

/**
 * What is known about a request when it is admitted or refused.
 *
 * @param protocol        {@code ws_book}, {@code ws_native} or {@code http}
 * @param logId           the id of its chat-log record; {@code null} for a request refused before it had one
 * @param requestId       the id the client gave it (may repeat across clients)
 * @param question        the question text (user content: observers show it only when allowed to)
 * @param userEmail       the client's user email, or {@code null} (user content)
 * @param historyMessages earlier messages sent with it
 * @param parent          the caller's W3C trace context, or {@code null}
 * @param traceId         the trace this request belongs to: the parent's, or the one an observer
 *                        (the tracer) started; {@code null} when nobody traces it
 */
public record RequestInfo(String protocol, String logId, String requestId, String question, String userEmail,
        int historyMessages, TraceParent parent, String traceId) {

    public RequestInfo withTraceId(String id) {
        return new RequestInfo(protocol, logId, requestId, question, userEmail, historyMessages, parent, id);
    }

    public RequestInfo withLogId(String id) {
        return new RequestInfo(protocol, id, requestId, question, userEmail, historyMessages, parent, traceId);
    }
}
