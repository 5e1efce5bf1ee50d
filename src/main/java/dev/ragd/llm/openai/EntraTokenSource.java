package dev.ragd.llm.openai;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.core.credential.TokenRequestContext;
import com.azure.identity.DefaultAzureCredentialBuilder;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.OffsetDateTime;

/**
 * Entra ID tokens for Azure OpenAI from {@link com.azure.identity.DefaultAzureCredential} (managed
 * identity, workload identity, environment, Azure CLI...), scope
 * {@code https://cognitiveservices.azure.com/.default}. Tokens are fetched on a worker thread, one
 * fetch at a time, and cached until five minutes before they expire.
 */
public final class EntraTokenSource implements AccessTokenSource {

    static final String SCOPE = "https://cognitiveservices.azure.com/.default";
    private static final long REFRESH_BEFORE_SECONDS = 300;

    private final Vertx vertx;
    private final TokenCredential credential;
    private final TokenRequestContext request = new TokenRequestContext().addScopes(SCOPE);

    private AccessToken cached;
    private Future<String> inFlight;

    public EntraTokenSource(Vertx vertx) {
        this(vertx, new DefaultAzureCredentialBuilder().build());
    }

    public EntraTokenSource(Vertx vertx, TokenCredential credential) {
        this.vertx = vertx;
        this.credential = credential;
    }

    @Override
    public synchronized Future<String> token() {
        if (cached != null && cached.getExpiresAt().isAfter(OffsetDateTime.now().plusSeconds(REFRESH_BEFORE_SECONDS))) {
            return Future.succeededFuture(cached.getToken());
        }
        if (inFlight != null) {
            return inFlight;
        }
        Promise<String> promise = Promise.promise();
        inFlight = promise.future();
        vertx.<AccessToken>executeBlocking(() -> credential.getTokenSync(request), false).onComplete(ar -> {
            synchronized (this) {
                inFlight = null;
                if (ar.succeeded()) {
                    cached = ar.result();
                }
            }
            if (ar.succeeded()) {
                promise.complete(ar.result().getToken());
            } else {
                promise.fail(new IllegalStateException("could not get an Entra ID token for Azure OpenAI: "
                        + ar.cause().getClass().getSimpleName()));
            }
        });
        return promise.future();
    }
}
