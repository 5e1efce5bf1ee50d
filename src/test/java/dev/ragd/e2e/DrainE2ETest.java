package dev.ragd.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ragd.App;
import dev.ragd.chatlog.ChatLogs;
import dev.ragd.chatlog.ChatRecord;
import dev.ragd.chatlog.FileChatLog;
import dev.ragd.config.DurabilityConfig;
import dev.ragd.config.Env;
import dev.ragd.config.RagdConfig;
import dev.ragd.testsupport.WsSession;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stopping ragd while answers stream: readiness turns red and new connections are refused, but the
 * answers in flight finish (end frames, completed records) within the grace period.
 */
class DrainE2ETest {

    static final int STREAMS = 5;

    @TempDir
    Path dataDir;

    private final Vertx client = Vertx.vertx();

    @AfterEach
    void closeClient() throws Exception {
        client.close().await(20, TimeUnit.SECONDS);
    }

    static RagdConfig config(Path dataDir, Map<String, String> extra) {
        Map<String, String> vars = new HashMap<>(Map.of("RAGD_DATA_DIR", dataDir.toString(), "PORT", "0",
                "RAGD_HOST", "127.0.0.1", "RAGD_EXTRACTIVE_TOKEN_MS", "30", "RAGD_WS_MAX_INFLIGHT", "10", "RAGD_WARMUP_MS", "0"));
        vars.putAll(extra);
        return RagdConfig.from(new Env(vars));
    }

    /** Reads frames until this request's end or error frame. */
    static List<JsonObject> untilEnd(WsSession ws) throws InterruptedException {
        List<JsonObject> frames = new ArrayList<>();
        JsonObject f;
        do {
            f = ws.nextJson();
            frames.add(f);
        } while (!"end".equals(f.getString("type")) && !"error".equals(f.getString("type")));
        return frames;
    }

    static void untilFirstToken(WsSession ws, List<JsonObject> seen) throws InterruptedException {
        JsonObject f;
        do {
            f = ws.nextJson();
            seen.add(f);
        } while (!"token".equals(f.getString("type")));
    }

    @Test
    void closingMidStreamLetsEveryStreamFinishAndStoresEveryRecordWhileRefusingNewConnections() throws Exception {
        // ~7 tokens 150 ms apart: every answer is still streaming when close() starts
        RagdConfig config = config(dataDir, Map.of("RAGD_EXTRACTIVE_TOKEN_MS", "150"));
        App app = App.start(config, DurabilityConfig.from(new Env(Map.of("RAGD_SHUTDOWN_GRACE_MS", "20000"))));
        int port = app.port();
        List<WsSession> sockets = new ArrayList<>();
        List<List<JsonObject>> frames = new ArrayList<>();
        CompletableFuture<Long> closed;
        CompletableFuture<List<JsonObject>> sseRest;
        try {
            for (int i = 0; i < STREAMS; i++) {
                WsSession ws = WsSession.connect(client, port, "/v1/chat");
                sockets.add(ws);
                ws.send(NativeSocketE2ETest.request("drain-" + i, BookSocketE2ETest.QUESTION));
                frames.add(new ArrayList<>());
            }
            for (int i = 0; i < STREAMS; i++) {
                untilFirstToken(sockets.get(i), frames.get(i));
            }
            Iterator<JsonObject> sse = sseEvents(port, "drain-sse");
            while (!"token".equals(sse.next().getString("type"))) {
                // until the HTTP stream is mid-answer too
            }
            sseRest = CompletableFuture.supplyAsync(() -> {
                List<JsonObject> rest = new ArrayList<>();
                sse.forEachRemaining(rest::add);
                return rest;
            });

            closed = CompletableFuture.supplyAsync(() -> {
                long t0 = System.nanoTime();
                app.close();
                return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            });

            awaitNotReady(port);
            assertThatThrownBy(() -> WsSession.connect(client, port, "/v1/chat"))
                    .as("a new connection while draining is refused");

            for (int i = 0; i < STREAMS; i++) {
                frames.get(i).addAll(untilEnd(sockets.get(i)));
            }
            long drainMs = closed.get(60, TimeUnit.SECONDS);
            System.out.println("drain of " + STREAMS + " streams took " + drainMs + " ms");
            assertThat(drainMs).as("the drain ended because the streams finished, not because the grace ran out")
                    .isLessThan(20_000);
        } finally {
            app.close();
        }

        for (int i = 0; i < STREAMS; i++) {
            List<JsonObject> f = frames.get(i);
            assertThat(f.getLast().getString("type")).as("stream %d ends normally", i).isEqualTo("end");
            assertThat(sockets.get(i).closed.get(10, TimeUnit.SECONDS)).as("then the server says going away")
                    .isEqualTo((short) 1001);
        }
        assertThat(sseRest.get(10, TimeUnit.SECONDS).getLast().getString("type")).as("the SSE stream ends normally")
                .isEqualTo("end");
        try (FileChatLog store = new FileChatLog(ChatLogs.fileDir(config))) {
            assertThat(store.recent(100)).filteredOn(r -> "drain-sse".equals(r.requestId()))
                    .singleElement().extracting(ChatRecord::status).isEqualTo(ChatRecord.Status.completed);
            for (int i = 0; i < STREAMS; i++) {
                String id = "drain-" + i;
                String answer = frames.get(i).stream().filter(f -> "token".equals(f.getString("type")))
                        .map(f -> f.getString("text")).reduce("", String::concat);
                ChatRecord r = store.recent(100).stream().filter(x -> id.equals(x.requestId())).findFirst().orElseThrow();
                assertThat(r.status()).isEqualTo(ChatRecord.Status.completed);
                assertThat(r.finalAnswer()).isEqualTo(answer).contains("5 years");
            }
        }
    }

    @Test
    void streamsStillRunningWhenTheGraceRunsOutAreCancelledAndLoggedAsSuch() throws Exception {
        RagdConfig config = config(dataDir, Map.of("RAGD_EXTRACTIVE_TOKEN_MS", "400"));
        App app = App.start(config, DurabilityConfig.from(new Env(Map.of("RAGD_SHUTDOWN_GRACE_MS", "300"))));
        WsSession ws = WsSession.connect(client, app.port(), "/v1/chat");
        ws.send(NativeSocketE2ETest.request("too-slow", BookSocketE2ETest.QUESTION));
        untilFirstToken(ws, new ArrayList<>());

        app.close();

        assertThat(ws.closed.get(10, TimeUnit.SECONDS)).isNotNull();
        try (FileChatLog store = new FileChatLog(ChatLogs.fileDir(config))) {
            ChatRecord r = store.recent(10).stream().filter(x -> "too-slow".equals(x.requestId())).findFirst().orElseThrow();
            assertThat(r.status()).isEqualTo(ChatRecord.Status.cancelled);
            assertThat(r.finalAnswer()).isNotEmpty();
        }
    }

    /** POSTs a streaming question and returns its server-sent events as they arrive. */
    static Iterator<JsonObject> sseEvents(int port, String id) throws Exception {
        HttpResponse<Stream<String>> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/v1/chat"))
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        NativeSocketE2ETest.request(id, BookSocketE2ETest.QUESTION).encode()))
                .build(), HttpResponse.BodyHandlers.ofLines());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body().filter(l -> l.startsWith("data:"))
                .map(l -> new JsonObject(l.substring("data:".length()).strip())).iterator();
    }

    /** Polls {@code /readyz} until it answers 503 or the listener is gone. */
    static void awaitNotReady(int port) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/readyz"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 503) {
                    return;
                }
            } catch (java.io.IOException refused) {
                return;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("readiness did not turn red within 10 s of close()");
    }
}
