package dev.ragd.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ragd.App;
import dev.ragd.chatlog.ChatLog;
import dev.ragd.chatlog.ChatRecord;
import dev.ragd.config.DurabilityConfig;
import dev.ragd.config.Env;
import dev.ragd.testsupport.WsSession;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real file chat log behind a switch that makes it fail, under 20 concurrent answers: every
 * answer still ends normally, readiness turns red while the backlog passes its threshold, and once
 * the store is back every record is in it exactly once.
 */
class ChatLogOutageE2ETest {

    static final int REQUESTS = 20;

    /**
     * Wraps a real store. While down, half the writes fail before reaching the store and half are
     * written but then reported as failed (a lost acknowledgement), so retries must be upserts.
     */
    static final class OutageSwitch implements ChatLog {
        final ChatLog store;
        final AtomicBoolean down = new AtomicBoolean();
        final AtomicInteger failedWrites = new AtomicInteger();

        OutageSwitch(ChatLog store) {
            this.store = store;
        }

        @Override
        public void upsert(ChatRecord record) {
            if (down.get()) {
                if (failedWrites.incrementAndGet() % 2 == 0) {
                    store.upsert(record);
                    throw new IllegalStateException("test outage: written, but the acknowledgement was lost");
                }
                throw new IllegalStateException("test outage: store unreachable");
            }
            store.upsert(record);
        }

        @Override
        public List<ChatRecord> recent(int limit) {
            return store.recent(limit);
        }

        @Override
        public List<ChatRecord> olderThan(Instant timestamp, String id, int limit) {
            return store.olderThan(timestamp, id, limit);
        }

        @Override
        public String describe() {
            return store.describe();
        }

        @Override
        public void close() {
            store.close();
        }
    }

    @TempDir
    Path dataDir;

    @Test
    void answersDuringAStoreOutageEndNormallyAndAreStoredExactlyOnceAfterRecovery() throws Exception {
        List<OutageSwitch> switches = new ArrayList<>();
        DurabilityConfig durability = DurabilityConfig.from(new Env(Map.of(
                "RAGD_CHATLOG_QUEUE_CAPACITY", "40", "RAGD_CHATLOG_QUEUE_READY_THRESHOLD", "10")));
        App app = App.start(DrainE2ETest.config(dataDir, Map.of("RAGD_EXTRACTIVE_TOKEN_MS", "30")), durability, store -> {
            OutageSwitch s = new OutageSwitch(store);
            switches.add(s);
            return s;
        });
        OutageSwitch outage = switches.getFirst();
        Vertx client = Vertx.vertx();
        List<WsSession> sockets = new ArrayList<>();
        List<List<JsonObject>> frames = new ArrayList<>();
        try {
            assertThat(readyz(app.port()).statusCode()).isEqualTo(200);
            outage.down.set(true);
            long outageStart = System.nanoTime();
            for (int i = 0; i < REQUESTS; i++) {
                WsSession ws = WsSession.connect(client, app.port(), "/v1/chat");
                sockets.add(ws);
                ws.send(NativeSocketE2ETest.request("outage-" + i, BookSocketE2ETest.QUESTION));
            }
            for (WsSession ws : sockets) {
                frames.add(DrainE2ETest.untilEnd(ws));
            }
            HttpResponse<String> duringOutage = readyz(app.port());
            int queuedAtPeak = app.chatLog().queued();
            long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - outageStart);
            Thread.sleep(Math.max(0, 3000 - elapsedMs)); // the outage lasts at least 3 s
            outage.down.set(false);
            long recoveryStart = System.nanoTime();
            awaitEmptyQueue(app);
            System.out.println("queued at peak " + queuedAtPeak + "; flushed "
                    + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - recoveryStart) + " ms after recovery; "
                    + app.chatLog().counters());

            assertThat(frames).allSatisfy(f -> assertThat(f.getLast().getString("type")).isEqualTo("end"));
            assertThat(frames).as("every end frame during the outage says the record is queued, not stored")
                    .allSatisfy(f -> assertThat(f.getLast().getString("logged")).isEqualTo("queued"));
            assertThat(queuedAtPeak).isEqualTo(REQUESTS);
            assertThat(duringOutage.statusCode()).isEqualTo(503);
            assertThat(new JsonObject(duringOutage.body()).getJsonObject("reasons").getString("chat_log"))
                    .contains("20 records queued");
            assertThat(readyz(app.port()).statusCode()).as("ready again once the queue drained").isEqualTo(200);

            Map<String, Long> rowsPerId = app.chatLog().recent(1000).stream()
                    .filter(r -> r.requestId() != null && r.requestId().startsWith("outage-"))
                    .collect(Collectors.groupingBy(ChatRecord::requestId, Collectors.counting()));
            assertThat(rowsPerId).hasSize(REQUESTS).allSatisfy((id, n) -> assertThat(n).as(id).isEqualTo(1L));
            Map<String, ChatRecord> byId = app.chatLog().recent(1000).stream()
                    .collect(Collectors.toMap(ChatRecord::id, Function.identity()));
            for (int i = 0; i < REQUESTS; i++) {
                String answer = frames.get(i).stream().filter(f -> "token".equals(f.getString("type")))
                        .map(f -> f.getString("text")).reduce("", String::concat);
                ChatRecord r = byId.get(frames.get(i).getLast().getString("log_id"));
                assertThat(r.requestId()).isEqualTo("outage-" + i);
                assertThat(r.status()).isEqualTo(ChatRecord.Status.completed);
                assertThat(r.finalAnswer()).isEqualTo(answer);
            }
            assertThat(app.chatLog().counters().rejected()).isZero();
        } finally {
            for (WsSession ws : sockets) {
                ws.close();
            }
            client.close().await(20, TimeUnit.SECONDS);
            app.close();
        }
    }

    private static void awaitEmptyQueue(App app) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (app.chatLog().queued() > 0) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("queue not flushed within 60 s: " + app.chatLog().counters());
            }
            Thread.sleep(20);
        }
    }

    static HttpResponse<String> readyz(int port) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/readyz"))
                .build(), HttpResponse.BodyHandlers.ofString());
    }
}
