package dev.ragd.retrieval;

import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpPipelineCallContext;
import com.azure.core.http.policy.HttpPipelineSyncPolicy;
import dev.ragd.observe.TraceHeaders;

/**
 * An Azure SDK pipeline policy adding the calling thread's {@link TraceHeaders} (W3C trace
 * context) to each request, so an SDK call joins the request's trace.
 */
public final class AzureTraceHeadersPolicy extends HttpPipelineSyncPolicy {

    @Override
    protected void beforeSendingRequest(HttpPipelineCallContext context) {
        TraceHeaders.current().forEach((k, v) -> context.getHttpRequest().setHeader(HttpHeaderName.fromString(k), v));
    }
}
