package dev.ragd.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ragd.testsupport.RedisServer;
import dev.ragd.testsupport.RunningApp;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Per-identity limits through the real server: two replicas sharing one Redis hold one budget
 * between them; over it a user gets 429 {@code quota_exceeded} with {@code Retry-After} while
 * another user is still answered; with Redis stopped mid-run both replicas keep answering on
 * their own counts and say so in {@code /readyz} and the metrics, then share again when it returns.
 * And the model tokens an answer spent are charged to its user's minute budget.
 */
class FairUseE2ETest {

    static final String ALICE = "sk-alice-4f1e9c2b7d0a8e3f";
    static final String BOB = "sk-bob-77aa01bb22cc33dd99";

    private final HttpClient http = HttpClient.newHttpClient();

    private static Map<String, String> env(Map<String, String> extra) {
        Map<String, String> env = new HashMap<>(Map.of("RAGD_AUTH", "api-key", "RAGD_API_KEYS",
                "alice=" + ALICE + ",bob=" + BOB, "RAGD_CHATLOG", "none"));
        env.putAll(extra);
        return env;
    }

    private HttpResponse<String> ask(RunningApp app, String key) throws Exception {
        String body = new JsonObject().put("stream", false)
                .put("messages", List.of(Map.of("role", "user", "content", "Do you ship to Canada?"))).encode();
        return http.send(HttpRequest.newBuilder(URI.create(app.baseUrl() + "v1/chat")).timeout(Duration.ofSeconds(20))
                .header("content-type", "application/json").header("authorization", "Bearer " + key)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(RunningApp app, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(app.baseUrl() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void twoReplicasSharingRedisHoldOneBudgetAndKeepAnsweringWhenRedisStops() throws Exception {
        try (RedisServer redis = RedisServer.launch();
             RunningApp a = RunningApp.start(env(Map.of("RAGD_REDIS_URL", redis.url(), "RAGD_RATE_LIMIT_PER_MINUTE", "3")));
             RunningApp b = RunningApp.start(env(Map.of("RAGD_REDIS_URL", redis.url(), "RAGD_RATE_LIMIT_PER_MINUTE", "3")))) {
            assertThat(ask(a, ALICE).statusCode()).isEqualTo(200);
            assertThat(ask(b, ALICE).statusCode()).isEqualTo(200);
            assertThat(ask(a, ALICE).statusCode()).isEqualTo(200);
            HttpResponse<String> over = ask(b, ALICE);
            assertThat(over.statusCode()).as("the fourth question, on the other replica").isEqualTo(429);
            JsonObject error = new JsonObject(over.body()).getJsonObject("error");
            assertThat(error.getString("code")).isEqualTo("quota_exceeded");
            assertThat(error.getString("message")).contains("3 questions per minute");
            assertThat(error.getBoolean("retryable")).isTrue();
            assertThat(error.getLong("retry_after_ms")).isPositive();
            assertThat(over.headers().firstValue("retry-after")).isPresent();
            assertThat(ask(b, BOB).statusCode()).as("another user is not affected").isEqualTo(200);
            assertThat(get(a, "metrics").body()).contains("ragd_quota_shared 1.0");

            redis.stop();
            assertThat(ask(a, BOB).statusCode()).as("answered on this replica's own counts").isEqualTo(200);
            assertThat(ask(b, BOB).statusCode()).isEqualTo(200);
            HttpResponse<String> ready = get(a, "readyz");
            assertThat(ready.statusCode()).as("a Redis outage must not take every replica out").isEqualTo(200);
            assertThat(new JsonObject(ready.body()).getJsonObject("degraded").getString("quota")).contains("redis");
            assertThat(get(a, "metrics").body()).contains("ragd_quota_shared 0.0");
            assertThat(ask(a, ALICE).statusCode()).as("still limited, per replica").isIn(200, 429);

            redis.start();
            dev.ragd.testsupport.Await.until(() -> {
                try {
                    ask(a, BOB);
                    return new JsonObject(get(a, "readyz").body()).getJsonObject("degraded") == null;
                } catch (Exception e) {
                    return false;
                }
            });
            assertThat(get(a, "metrics").body()).contains("ragd_quota_shared 1.0");
        }
    }

    @Test
    void theTokensAnAnswerSpentAreChargedToItsUser() throws Exception {
        try (RunningApp app = RunningApp.start(env(Map.of("RAGD_TOKENS_PER_MINUTE", "5", "RAGD_RATE_LIMIT_PER_MINUTE", "0")))) {
            assertThat(ask(app, ALICE).statusCode()).isEqualTo(200);
            HttpResponse<String> over = ask(app, ALICE);
            assertThat(over.statusCode()).isEqualTo(429);
            assertThat(new JsonObject(over.body()).getJsonObject("error").getString("message"))
                    .contains("5 model tokens per minute");
            assertThat(ask(app, BOB).statusCode()).isEqualTo(200);
        }
    }
}
