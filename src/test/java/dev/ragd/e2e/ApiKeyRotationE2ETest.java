package dev.ragd.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ragd.testsupport.Await;
import dev.ragd.testsupport.RunningApp;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rotating a key by remounting the secret file: the new key is accepted and the removed one
 * refused without a restart; a broken file keeps the keys in force.
 */
class ApiKeyRotationE2ETest {

    static final String OLD = "sk-old-0123456789abcdef";
    static final String NEW = "sk-new-0123456789abcdef";

    private final HttpClient http = HttpClient.newHttpClient();

    private int status(RunningApp app, String key) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(app.baseUrl() + "v1/chat")).timeout(Duration.ofSeconds(20))
                    .header("content-type", "application/json").header("authorization", "Bearer " + key)
                    .POST(HttpRequest.BodyPublishers.ofString(
                            "{\"stream\":false,\"messages\":[{\"role\":\"user\",\"content\":\"Do you ship to Canada?\"}]}"))
                    .build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aRemountedKeyFileTakesEffectWithoutARestart(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("keys");
        Files.writeString(file, "alice=" + OLD + "\n");
        try (RunningApp app = RunningApp.start(Map.of("RAGD_AUTH", "api-key", "RAGD_API_KEYS_FILE", file.toString(),
                "RAGD_CHATLOG", "none", "RAGD_RATE_LIMIT_PER_MINUTE", "0", "RAGD_MAX_CONCURRENT_PER_USER", "0"))) {
            assertThat(status(app, OLD)).isEqualTo(200);
            assertThat(status(app, NEW)).isEqualTo(401);

            Files.writeString(file, "alice=" + OLD + "\nalice=" + NEW + "\n"); // add the new key
            Await.until(() -> status(app, NEW) == 200);
            assertThat(status(app, OLD)).as("both valid while clients move").isEqualTo(200);

            Files.writeString(file, "alice=" + NEW + "\n"); // remove the old one
            Await.until(() -> status(app, OLD) == 401);
            assertThat(status(app, NEW)).isEqualTo(200);

            Files.writeString(file, "alice=short\n"); // a broken file: the keys in force stay
            Thread.sleep(6_000);
            assertThat(status(app, NEW)).isEqualTo(200);
        }
    }
}
