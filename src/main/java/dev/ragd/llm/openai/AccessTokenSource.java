package dev.ragd.llm.openai;

import io.vertx.core.Future;

/**
 * Supplies the bearer token for upstreams that authenticate with one (Azure OpenAI with Entra ID).
 *
 * <p>Contract: never blocks the caller; the returned future may complete on any thread; a failed
 * future means no token can be had (treated as an authentication failure, not retried).
 * Implementations cache tokens until shortly before they expire.
 */
public interface AccessTokenSource {

    Future<String> token();
}
