package dev.ragd.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ragd.testsupport.RedisServer;
import dev.ragd.testsupport.RunningApp;
import dev.ragd.testsupport.WsSession;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * With API keys, only the identity that asked may resume an answer, on the replica generating it and
 * on another one (through Redis): another signed-in user gets the same {@code resume_expired} as for
 * an answer that does not exist, on the socket and over HTTP, and the asker's resume still works.
 */
class ResumeOwnerE2ETest {

    static final String ALICE = "sk-alice-resume-5a1c9e3f2b";
    static final String BOB = "sk-bob-resume-8d2e4f6a1c77";

    static WsSession socket(RunningApp app, String key) throws Exception {
        return WsSession.connect(app.clientVertx(), app.port(), new WebSocketConnectOptions().setURI("/v1/chat")
                .addSubProtocol("bearer." + key));
    }

    static JsonObject resume(String id, String logId, long after) {
        return new JsonObject().put("type", "resume").put("id", id).put("log_id", logId).put("after", after);
    }

    @Test
    void onlyTheAskerResumesAnAnswerHereOrOnAnotherReplica() throws Exception {
        try (RedisServer redis = RedisServer.launch()) {
            Map<String, String> env = Map.of("RAGD_AUTH", "api-key", "RAGD_API_KEYS", "alice=" + ALICE + ",bob=" + BOB,
                    "RAGD_REDIS_URL", redis.url(), "RAGD_EXTRACTIVE_TOKEN_MS", "60", "RAGD_STREAM_COALESCE_MS", "0");
            try (RunningApp a = RunningApp.start(env); RunningApp b = RunningApp.start(env)) {
                String logId;
                long after;
                try (WsSession s = socket(a, ALICE)) {
                    s.send(NativeSocketE2ETest.request("q", BookSocketE2ETest.QUESTION));
                    List<JsonObject> got = s.framesOf("q", 4);
                    logId = got.getFirst().getString("log_id");
                    after = got.getLast().getLong("seq");
                }
                for (RunningApp app : List.of(a, b)) {
                    try (WsSession bob = socket(app, BOB)) {
                        bob.send(resume("steal", logId, 0));
                        JsonObject refused = bob.framesOf("steal", 100).getLast();
                        assertThat(refused.getString("code")).isEqualTo("resume_expired");
                        assertThat(refused.encode()).doesNotContain("Cinder");
                    }
                    HttpResponse<String> http = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create(app.baseUrl() + "v1/chat/" + logId + "/events"))
                            .header("authorization", "Bearer " + BOB).GET().build(), HttpResponse.BodyHandlers.ofString());
                    assertThat(http.statusCode()).isEqualTo(410);
                }
                try (WsSession alice = socket(b, ALICE)) {
                    alice.send(resume("mine", logId, after));
                    List<JsonObject> rest = alice.framesOf("mine", 10_000);
                    assertThat(rest.getFirst().getLong("seq")).isEqualTo(after + 1);
                    assertThat(rest.getLast().getString("type")).isEqualTo("end");
                }
                HttpResponse<String> anonymous = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(a.baseUrl() + "v1/chat/" + logId + "/events")).GET().build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(anonymous.statusCode()).as("no credential").isEqualTo(401);
            }
        }
    }
}
