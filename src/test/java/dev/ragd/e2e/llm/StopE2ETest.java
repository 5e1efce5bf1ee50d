package dev.ragd.e2e.llm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ragd.chatlog.ChatRecord;
import dev.ragd.testsupport.Await;
import dev.ragd.testsupport.WsSession;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Stopping an answer mid-stream, with a real model server ({@code ragd mock-llm}, slow tokens) and
 * API keys: the upstream stream is closed, the client gets {@code end} with status {@code stopped},
 * the text it received is the text logged (status {@code stopped}), and only who asked may stop it.
 */
class StopE2ETest {

    static final String ALICE = "sk-alice-stop-4f1e9c2b7d0a";
    static final String BOB = "sk-bob-stop-77aa01bb22cc";
    static LlmRig rig;
    final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        rig = LlmRig.openAi(LlmRig.healthy().withTtftMs(50).withTokenMs(40).withTokens(500),
                Map.of("RAGD_AUTH", "api-key", "RAGD_API_KEYS", "alice=" + ALICE + ",bob=" + BOB,
                        "RAGD_STREAM_COALESCE_MS", "0"));
    }

    @AfterAll
    static void stop() throws Exception {
        rig.close();
    }

    private static void upstreamClosed(long cancelledBefore) throws Exception {
        Await.untilPasses(() -> {
            assertThat(rig.stats().cancelledStreams()).isEqualTo(cancelledBefore + 1);
            assertThat(rig.stats().openStreams()).isZero();
        });
    }

    @Test
    void aStopFrameEndsTheAnswerStoppedAndTheTextReceivedIsTheTextLogged() throws Exception {
        long cancelled = rig.stats().cancelledStreams();
        try (WsSession ws = WsSession.connect(rig.app.clientVertx(), rig.app.port(), new WebSocketConnectOptions()
                .setURI("/v1/chat").addSubProtocol("bearer." + ALICE))) {
            ws.send(Clients.request("s-1", LlmRig.QUESTION));
            StringBuilder text = new StringBuilder();
            String logId = null;
            int tokens = 0;
            JsonObject frame;
            while (true) {
                frame = ws.nextJson();
                if (frame.getString("type").equals("start")) {
                    logId = frame.getString("log_id");
                }
                if (frame.getString("type").equals("token")) {
                    text.append(frame.getString("text"));
                    if (++tokens == 5) {
                        ws.send(new JsonObject().put("type", "stop").put("id", "s-1"));
                    }
                }
                if (Clients.terminal(frame)) {
                    break;
                }
            }
            long stoppedAt = System.nanoTime();

            assertThat(frame.getString("type")).isEqualTo("end");
            assertThat(frame.getString("status")).isEqualTo("stopped");
            upstreamClosed(cancelled);
            assertThat(Duration.ofNanos(System.nanoTime() - stoppedAt)).isLessThan(Duration.ofSeconds(1));
            ChatRecord r = rig.record(logId);
            assertThat(r.status()).isEqualTo(ChatRecord.Status.stopped);
            assertThat(r.finalAnswer()).isEqualTo(text.toString()).isNotEmpty();
            assertThat(tokens).as("far fewer than the model would have sent").isLessThan(100);

            ws.send(Clients.request("s-2", LlmRig.QUESTION));
            assertThat(ws.nextJson().getString("type")).isEqualTo("start");
            ws.send(new JsonObject().put("type", "stop").put("id", "s-2"));
            JsonObject last;
            do {
                last = ws.nextJson();
            } while (!Clients.terminal(last));
            assertThat(last.getString("status")).isEqualTo("stopped");
        }
    }

    @Test
    void overHttpOnlyWhoAskedMayStopAnAnswerByItsLogId() throws Exception {
        long cancelled = rig.stats().cancelledStreams();
        HttpRequest ask = HttpRequest.newBuilder(URI.create(rig.app.baseUrl() + "v1/chat"))
                .header("content-type", "application/json").header("authorization", "Bearer " + ALICE)
                .POST(HttpRequest.BodyPublishers.ofString(Clients.request("h-1", LlmRig.QUESTION).encode())).build();
        HttpResponse<Stream<String>> sse = http.send(ask, HttpResponse.BodyHandlers.ofLines());
        assertThat(sse.statusCode()).isEqualTo(200);
        Iterator<String> lines = sse.body().iterator();
        String logId = null;
        StringBuilder text = new StringBuilder();
        JsonObject end = null;
        int tokens = 0;
        while (lines.hasNext() && end == null) {
            String line = lines.next();
            if (!line.startsWith("data: ")) {
                continue;
            }
            JsonObject data = new JsonObject(line.substring(6));
            switch (data.getString("type")) {
                case "start" -> logId = data.getString("log_id");
                case "token" -> {
                    text.append(data.getString("text"));
                    if (++tokens == 3) {
                        assertThat(stop(logId, BOB).statusCode()).as("another user").isEqualTo(404);
                        assertThat(stop("0b6d0c9e-not-running", ALICE).statusCode()).isEqualTo(404);
                        HttpResponse<String> stopped = stop(logId, ALICE);
                        assertThat(stopped.statusCode()).isEqualTo(202);
                        assertThat(new JsonObject(stopped.body()).getString("log_id")).isEqualTo(logId);
                    }
                }
                case "end", "error" -> end = data;
                default -> { }
            }
        }
        assertThat(end).isNotNull();
        assertThat(end.getString("type")).isEqualTo("end");
        assertThat(end.getString("status")).isEqualTo("stopped");
        upstreamClosed(cancelled);
        ChatRecord r = rig.record(logId);
        assertThat(r.status()).isEqualTo(ChatRecord.Status.stopped);
        assertThat(r.finalAnswer()).isEqualTo(text.toString());
        assertThat(stop(logId, ALICE).statusCode()).as("an answer that ended").isEqualTo(404);
    }

    @Test
    void stopFramesThatNameNothingInFlightGetAClearErrorAndTheSocketStaysOpen() throws Exception {
        try (WsSession ws = WsSession.connect(rig.app.clientVertx(), rig.app.port(), new WebSocketConnectOptions()
                .setURI("/v1/chat").addSubProtocol("bearer." + ALICE))) {
            ws.send(new JsonObject().put("type", "stop"));
            JsonObject noId = ws.nextJson();
            assertThat(noId.getString("code")).isEqualTo("bad_request");
            assertThat(noId.getString("message")).contains("needs the id");

            ws.send(new JsonObject().put("type", "stop").put("id", "never-sent"));
            JsonObject unknown = ws.nextJson();
            assertThat(unknown.getString("id")).isEqualTo("never-sent");
            assertThat(unknown.getString("code")).isEqualTo("not_found");

            ws.send(new JsonObject().put("type", "pause").put("id", "x"));
            assertThat(ws.nextJson().getString("message")).contains("type 'pause' is not a frame type");
            ws.send(new JsonObject().put("type", 7));
            assertThat(ws.nextJson().getString("message")).contains("type a Integer is not a frame type");
        }
    }

    @Test
    void aStopPathNamingNoLogIdIsRefusedClearlyAndAStopBodyIsBounded() throws Exception {
        for (String path : java.util.List.of("a%20b", "x".repeat(200), "%00", "..%2F..", "%C3%A9t%C3%A9", "a'b")) {
            HttpResponse<String> r = stop(path, ALICE);
            assertThat(r.statusCode()).as("stop of %s", path).isIn(400, 404);
            assertThat(new JsonObject(r.body()).getJsonObject("error").getString("message")).isNotBlank();
        }
        HttpResponse<String> big = http.send(HttpRequest.newBuilder(URI.create(rig.app.baseUrl()
                + "v1/chat/0b6d0c9e/stop")).header("authorization", "Bearer " + ALICE)
                .POST(HttpRequest.BodyPublishers.ofString("x".repeat(10_000))).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(big.statusCode()).isEqualTo(413);
        HttpResponse<String> anonymous = http.send(HttpRequest.newBuilder(URI.create(rig.app.baseUrl()
                + "v1/chat/0b6d0c9e/stop")).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(anonymous.statusCode()).isEqualTo(401);
    }

    private HttpResponse<String> stop(String logId, String key) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(rig.app.baseUrl() + "v1/chat/" + logId + "/stop"))
                .header("authorization", "Bearer " + key).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
