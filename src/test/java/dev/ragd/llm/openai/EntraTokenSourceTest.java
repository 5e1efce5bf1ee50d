package dev.ragd.llm.openai;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

class EntraTokenSourceTest {

    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void tearDown() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    @Test
    void token_is_fetched_off_the_event_loop_for_the_cognitive_services_scope_and_cached() throws Exception {
        AtomicInteger fetches = new AtomicInteger();
        List<Boolean> onEventLoop = new CopyOnWriteArrayList<>();
        List<String> scopes = new CopyOnWriteArrayList<>();
        TokenCredential credential = request -> {
            fetches.incrementAndGet();
            onEventLoop.add(Context.isOnEventLoopThread());
            scopes.addAll(request.getScopes());
            return Mono.just(new AccessToken("tok-" + fetches.get(), OffsetDateTime.now().plusHours(1)));
        };
        EntraTokenSource source = new EntraTokenSource(vertx, credential);

        String first = source.token().await(10, TimeUnit.SECONDS);
        String second = source.token().await(10, TimeUnit.SECONDS);

        assertThat(first).isEqualTo("tok-1");
        assertThat(second).isEqualTo("tok-1");
        assertThat(fetches.get()).isEqualTo(1);
        assertThat(onEventLoop).containsExactly(false);
        assertThat(scopes).containsExactly("https://cognitiveservices.azure.com/.default");
    }

    @Test
    void token_close_to_expiry_is_fetched_again() throws Exception {
        AtomicInteger fetches = new AtomicInteger();
        TokenCredential credential = request -> Mono.just(
                new AccessToken("tok-" + fetches.incrementAndGet(), OffsetDateTime.now().plusMinutes(2)));
        EntraTokenSource source = new EntraTokenSource(vertx, credential);

        assertThat(source.token().await(10, TimeUnit.SECONDS)).isEqualTo("tok-1");
        assertThat(source.token().await(10, TimeUnit.SECONDS)).isEqualTo("tok-2");
    }

    @Test
    void failure_to_get_a_token_names_the_problem_without_details_of_the_credential_chain() {
        TokenCredential credential = request -> Mono.error(new IllegalStateException("no managed identity endpoint"));
        EntraTokenSource source = new EntraTokenSource(vertx, credential);

        var future = source.token();
        try {
            future.await(10, TimeUnit.SECONDS);
            throw new AssertionError("expected failure");
        } catch (Exception e) {
            assertThat(e).hasMessageContaining("could not get an Entra ID token for Azure OpenAI");
        }
    }
}
