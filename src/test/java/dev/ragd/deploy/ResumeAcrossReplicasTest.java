package dev.ragd.deploy;

import static dev.ragd.deploy.NginxProxyTest.address;
import static dev.ragd.deploy.NginxProxyTest.answerOf;
import static dev.ragd.deploy.NginxProxyTest.request;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ragd.chatlog.ChatRecord;
import dev.ragd.testsupport.Await;
import dev.ragd.testsupport.RedisServer;
import dev.ragd.testsupport.RunningApp;
import dev.ragd.testsupport.WsSession;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two replicas sharing one Redis behind the shipped nginx setup: answers asked through the proxy
 * whose socket is killed at random points are resumed through the proxy, or straight on the
 * replica that generates them, or on the other one (which follows the answer's Redis stream). Every
 * time, the frames' seqs run 1, 2, 3… without a gap and the text received equals the text logged.
 * An event stream cut on one replica is resumed on the other with {@code Last-Event-ID}.
 */
class ResumeAcrossReplicasTest {

    static final String LONG_QUESTION = NginxProxyTest.LONG_QUESTION;
    static RedisServer redis;
    static RunningApp a;
    static RunningApp b;
    static Nginx nginx;

    @BeforeAll
    static void start() throws Exception {
        if (!Nginx.installed()) {
            return;
        }
        redis = RedisServer.launch();
        Map<String, String> env = Map.of(
                "RAGD_EXTRACTIVE_TOKEN_MS", "15",
                "RAGD_STREAM_COALESCE_MS", "0",
                "RAGD_MAX_CONNECTIONS_PER_IP", "100000",
                "RAGD_ALLOWED_HOSTS", "127.0.0.1,localhost",
                "RAGD_REDIS_URL", redis.url());
        a = RunningApp.start(env);
        b = RunningApp.start(env);
        nginx = Nginx.start(List.of(address(a), address(b)));
    }

    @BeforeEach
    void requireNginx() {
        Nginx.assumeInstalled();
    }

    @AfterAll
    static void stop() throws Exception {
        try (RedisServer r = redis; RunningApp x = a; RunningApp y = b) {
            if (nginx != null) {
                nginx.close();
            }
        }
    }

    private static Optional<ChatRecord> logged(String logId) {
        return a.record(logId).or(() -> b.record(logId));
    }

    @Test
    void socketsKilledAtRandomPointsResumeOnTheSameOrTheOtherReplicaWithTheLoggedText() throws Exception {
        Random random = new Random(7);
        Vertx vertx = a.clientVertx();
        int elsewhere = 0;
        int same = 0;
        for (int round = 0; round < 18; round++) {
            String id = "k" + round;
            List<JsonObject> got;
            try (WsSession first = WsSession.connect(vertx, nginx.port(), "/v1/chat")) {
                first.send(request(id, LONG_QUESTION));
                got = new ArrayList<>(first.framesOf(id, 1 + random.nextInt(45)));
            }
            String logId = got.getFirst().getString("log_id");
            long after = got.getLast().getLong("seq");
            // Through the proxy, or straight to a replica picked at random: the one generating it, or the other.
            int port = round % 3 == 0 ? nginx.port() : random.nextBoolean() ? a.port() : b.port();
            try (WsSession second = WsSession.connect(vertx, port, "/v1/chat")) {
                second.send(new JsonObject().put("type", "resume").put("id", "again").put("log_id", logId).put("after", after));
                got.addAll(second.framesOf("again", Integer.MAX_VALUE));
            }
            for (int i = 0; i < got.size(); i++) {
                assertThat(got.get(i).getLong("seq")).as("round %d frame %d of %s", round, i, got).isEqualTo(i + 1L);
            }
            assertThat(got.getLast().getString("type")).as("round %d: %s", round, got.getLast()).isEqualTo("end");
            Await.until(() -> logged(logId).isPresent());
            ChatRecord r = logged(logId).orElseThrow();
            assertThat(r.status()).isEqualTo(ChatRecord.Status.completed);
            assertThat(answerOf(got)).as("round %d, cut after seq %d", round, after).isEqualTo(r.finalAnswer());
            boolean generatedByA = a.record(logId).isPresent();
            if ((port == a.port() && !generatedByA) || (port == b.port() && generatedByA)) {
                elsewhere++;
            } else if (port != nginx.port()) {
                same++;
            }
        }
        assertThat(elsewhere).as("resumes on the replica that did not generate the answer").isGreaterThan(0);
        assertThat(same).as("resumes on the replica that generated it").isGreaterThan(0);
    }

    @Test
    void anEventStreamCutOnOneReplicaIsResumedOnTheOtherWithLastEventId() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<java.io.InputStream> first = http.send(HttpRequest.newBuilder(URI.create(a.baseUrl() + "v1/chat"))
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(request("sse", LONG_QUESTION).encode())).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        List<JsonObject> got = new ArrayList<>();
        try (java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(first.body()))) {
            for (String line = in.readLine(); line != null && got.size() < 12; line = in.readLine()) {
                if (line.startsWith("data: ")) {
                    got.add(new JsonObject(line.substring(6)));
                }
            }
        } // closing the body drops the connection mid-answer
        String logId = got.getFirst().getString("log_id");
        long last = got.getLast().getLong("seq");

        HttpResponse<String> rest = http.send(HttpRequest.newBuilder(URI.create(b.baseUrl() + "v1/chat/" + logId + "/events"))
                .header("last-event-id", Long.toString(last)).GET().build(), HttpResponse.BodyHandlers.ofString());

        assertThat(rest.statusCode()).isEqualTo(200);
        for (String line : rest.body().split("\n")) {
            if (line.startsWith("data: ")) {
                got.add(new JsonObject(line.substring(6)));
            }
        }
        for (int i = 0; i < got.size(); i++) {
            assertThat(got.get(i).getLong("seq")).isEqualTo(i + 1L);
        }
        assertThat(got.getLast().getString("type")).isEqualTo("end");
        Await.until(() -> a.record(logId).isPresent());
        assertThat(answerOf(got)).isEqualTo(a.record(logId).orElseThrow().finalAnswer());
    }
}
