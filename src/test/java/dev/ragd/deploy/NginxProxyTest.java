package dev.ragd.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ragd.chatlog.ChatRecord;
import dev.ragd.server.RawFrame;
import dev.ragd.server.RawWebSocket;
import dev.ragd.testsupport.Await;
import dev.ragd.testsupport.RunningApp;
import dev.ragd.testsupport.Scrape;
import dev.ragd.testsupport.WsSession;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The shipped reference proxy setup ({@code deploy/nginx/ragd.conf}) in front of two real ragd
 * replicas, with the system's nginx binary run as a child process (see {@link Nginx}): all three
 * protocols stream through it, both replicas get traffic, the cross-site checks still see the
 * client's Host, the limits match ragd's, and a replica that goes away is routed around.
 * Skipped when {@code /usr/sbin/nginx} is missing.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NginxProxyTest {

    static final String QUESTION = "What is the warranty of the Cinder Kettle?";
    /** A question whose extractive answer is long (55 tokens on the sample corpus): it streams for over a second. */
    static final String LONG_QUESTION = "What is covered by the warranty and how do I claim it?";
    static final int TOKEN_MS = 20;
    static final int IDLE_TIMEOUT_MS = 5_000;

    static RunningApp a;
    static RunningApp b;
    static Nginx nginx;

    @BeforeAll
    static void startReplicasAndProxy() throws Exception {
        if (!Nginx.installed()) {
            return; // each test is skipped, with the reason, by requireNginx
        }
        Map<String, String> env = Map.of(
                "RAGD_EXTRACTIVE_TOKEN_MS", Integer.toString(TOKEN_MS),
                // every connection comes from nginx's address: the per-address cap must be raised
                "RAGD_MAX_CONNECTIONS_PER_IP", "100000",
                "RAGD_ALLOWED_HOSTS", "127.0.0.1,localhost",
                "RAGD_IDLE_TIMEOUT_MS", Integer.toString(IDLE_TIMEOUT_MS),
                "RAGD_WS_MAX_INFLIGHT", "8",
                // a replica closed mid-answer cuts its streams at once, as one that dies would
                "RAGD_SHUTDOWN_GRACE_MS", "0");
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
        try {
            if (nginx != null) {
                System.out.println("nginx error.log:\n" + nginx.errorLog().lines()
                        .filter(l -> l.contains("[error]") || l.contains("[warn]") || l.contains("[emerg]"))
                        .reduce("", (x, y) -> x + y + "\n"));
                nginx.close();
            }
        } finally {
            try {
                if (a != null) {
                    a.close();
                }
            } finally {
                if (b != null) {
                    b.close();
                }
            }
        }
    }

    static String address(RunningApp app) {
        return "127.0.0.1:" + app.port();
    }

    static JsonObject request(String id, String question) {
        return new JsonObject().put("id", id)
                .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", question)));
    }

    static String answerOf(List<JsonObject> frames) {
        return frames.stream().filter(f -> "token".equals(f.getString("type"))).map(f -> f.getString("text"))
                .reduce("", String::concat);
    }

    /** The app that wrote the record of this request id, once it is written. */
    static RunningApp servedBy(String requestId) throws Exception {
        List<RunningApp> found = new ArrayList<>();
        Await.until(() -> {
            found.clear();
            for (RunningApp app : List.of(a, b)) {
                if (app.record(requestId).isPresent()) {
                    found.add(app);
                }
            }
            return !found.isEmpty();
        });
        assertThat(found).as("one replica answered %s", requestId).hasSize(1);
        return found.getFirst();
    }

    // ---- the three protocols through the proxy ----

    @Test
    @Order(1)
    void aNativeWebSocketStreamsStartSourcesTokensAndEnd() throws Exception {
        List<JsonObject> frames = new ArrayList<>();
        try (WsSession ws = WsSession.connect(a.clientVertx(), nginx.port(), "/v1/chat")) {
            ws.send(request("ws-1", QUESTION));
            JsonObject f;
            do {
                f = ws.nextJson();
                frames.add(f);
            } while (!"end".equals(f.getString("type")) && !"error".equals(f.getString("type")));
        }
        assertThat(frames).extracting(f -> f.getString("type")).startsWith("start", "sources").endsWith("end")
                .filteredOn("token"::equals).hasSize(frames.size() - 3);
        assertThat(answerOf(frames)).contains("5 years").contains("[1]");
        assertThat(frames.getLast().getString("logged")).isEqualTo("stored");
        assertThat(servedBy("ws-1").record("ws-1").orElseThrow().status()).isEqualTo(ChatRecord.Status.completed);
    }

    @Test
    @Order(2)
    void theBookWebSocketAnswersAndClosesNormally() throws Exception {
        List<String> frames;
        short code;
        try (WsSession ws = WsSession.connect(a.clientVertx(), nginx.port(), "/")) {
            ws.send(new JsonObject().put("user_email", "book@example.org")
                    .put("chat_history", new JsonArray().add("user_question: " + QUESTION)));
            frames = ws.readUntilClosed();
            code = ws.closeCode;
        }
        assertThat(code).as("the replica's normal close, passed through").isEqualTo((short) 1000);
        assertThat(new JsonObject(frames.getFirst()).getString("type")).isEqualTo("print");
        String answer = frames.subList(1, frames.size()).stream()
                .map(f -> new JsonObject(f).getJsonObject("content").getString("content")).reduce("", String::concat);
        assertThat(answer).contains("5 years");
    }

    record Event(long atNanos, JsonObject data) {}

    record Sse(int status, java.net.http.HttpHeaders headers, List<Event> events, Throwable failure) {}

    /** POSTs a streaming question to {@code port} and reads its events as they arrive, timestamped. */
    static Sse sse(int port, String id, String question) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        try {
            HttpResponse<InputStream> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/chat"))
                    .header("content-type", "application/json").timeout(Duration.ofSeconds(20))
                    .POST(HttpRequest.BodyPublishers.ofString(request(id, question).encode())).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            List<Event> events = new ArrayList<>();
            Throwable failure = null;
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                    if (line.startsWith("data:")) {
                        events.add(new Event(System.nanoTime(), new JsonObject(line.substring(5).strip())));
                    }
                }
            } catch (IOException e) {
                failure = e;
            }
            return new Sse(r.statusCode(), r.headers(), events, failure);
        } finally {
            http.close();
        }
    }

    @Test
    @Order(3)
    void serverSentEventsArriveAsTheyAreWrittenNotBufferedUntilTheEnd() throws Exception {
        Sse r = sse(nginx.port(), "sse-1", LONG_QUESTION);

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.failure()).isNull();
        assertThat(r.headers().firstValue("content-type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/event-stream"));
        assertThat(r.headers().firstValue("content-length")).as("streamed, not collected into one body").isEmpty();
        assertThat(r.headers().firstValue("transfer-encoding")).hasValue("chunked");
        assertThat(r.headers().firstValue("cache-control")).hasValue("no-cache");
        assertThat(r.headers().firstValue("x-accel-buffering")).as("obeyed by nginx, not passed on").isEmpty();
        List<Event> tokens = r.events().stream().filter(e -> "token".equals(e.data().getString("type"))).toList();
        Event end = r.events().getLast();
        assertThat(end.data().getString("type")).isEqualTo("end");
        // the answer is written over (tokens - 1) x 20 ms; buffered, every event would arrive at once
        long spanMs = (long) (tokens.size() - 1) * TOKEN_MS;
        assertThat(spanMs).as("the answer streams for at least 500 ms (%d tokens)", tokens.size()).isGreaterThanOrEqualTo(500);
        long firstToEndMs = TimeUnit.NANOSECONDS.toMillis(end.atNanos() - tokens.getFirst().atNanos());
        long middleToEndMs = TimeUnit.NANOSECONDS.toMillis(end.atNanos() - tokens.get(tokens.size() / 2).atNanos());
        System.out.println("through nginx: " + tokens.size() + " tokens, first token " + firstToEndMs
                + " ms before the end event, middle token " + middleToEndMs + " ms before it");
        assertThat(firstToEndMs).as("the first token arrives well before the end").isGreaterThanOrEqualTo(spanMs / 2);
        assertThat(middleToEndMs).as("and the tokens keep arriving in between").isGreaterThanOrEqualTo(spanMs / 4);
    }

    // ---- balancing ----

    @Test
    @Order(4)
    void bothReplicasGetTrafficOverSeveralConnections() throws Exception {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            String id = "spread-" + i;
            ids.add(id);
            assertThat(sse(nginx.port(), id, QUESTION).events().getLast().data().getString("type")).isEqualTo("end");
        }
        int onA = 0;
        for (String id : ids) {
            onA += servedBy(id) == a ? 1 : 0;
        }
        assertThat(onA).as("questions answered by replica a out of %d", ids.size()).isBetween(1, ids.size() - 1);

        // Long-lived WebSockets open at once: least_conn puts each on the replica holding fewer.
        List<RawWebSocket> open = new ArrayList<>();
        try {
            for (int i = 0; i < 4; i++) {
                open.add(RawWebSocket.connect(nginx.port(), "/v1/chat"));
            }
            Await.untilPasses(() -> {
                assertThat(Scrape.of(a.baseUrl()).value("ragd_websockets_open", "protocol", "ws_native")).isEqualTo(2.0);
                assertThat(Scrape.of(b.baseUrl()).value("ragd_websockets_open", "protocol", "ws_native")).isEqualTo(2.0);
            });
        } finally {
            for (RawWebSocket ws : open) {
                ws.close();
            }
        }
    }

    // ---- the edge checks still work behind the proxy ----

    @Test
    @Order(5)
    void crossSitePagesAreStillRefusedAndSameOriginPagesAllowedBecauseTheHostIsPreserved() throws Exception {
        for (String path : List.of("/", "/v1/chat")) {
            try (RawWebSocket evil = RawWebSocket.open(nginx.port(), path, Map.of("Origin", "http://evil.example"))) {
                assertThat(evil.handshake().status()).as("cross-site WebSocket on %s", path).isEqualTo(403);
            }
            // the page nginx serves, at nginx's (non-default) port: allowed only if ragd sees Host with the port
            try (RawWebSocket same = RawWebSocket.open(nginx.port(), path,
                    Map.of("Origin", "http://127.0.0.1:" + nginx.port()))) {
                assertThat(same.handshake().status()).as("same-origin WebSocket on %s", path).isEqualTo(101);
            }
        }
        Raw post = Raw.exchange(nginx.port(), "POST /v1/chat HTTP/1.1\r\nHost: 127.0.0.1:" + nginx.port()
                + "\r\nOrigin: http://evil.example\r\nContent-Type: application/json\r\n", request("x", QUESTION).encode());
        assertThat(post.status()).isEqualTo(403);
        assertThat(post.json().getJsonObject("error").getString("code")).isEqualTo("origin_not_allowed");

        Raw rebound = Raw.exchange(nginx.port(), "POST /v1/chat HTTP/1.1\r\nHost: evil.example:" + nginx.port()
                + "\r\nContent-Type: application/json\r\n", request("x", QUESTION).encode());
        assertThat(rebound.status()).as("a hostile DNS name still reaches ragd's RAGD_ALLOWED_HOSTS check").isEqualTo(421);
        assertThat(rebound.json().getJsonObject("error").getString("code")).isEqualTo("host_not_allowed");
    }

    @Test
    @Order(6)
    void metricsAndTheStatusPageAreNotPublic() throws Exception {
        for (String path : List.of("/metrics", "/metrics/", "//metrics", "/./metrics", "/%6Detrics", "/metrics?x=1",
                "/a/../metrics", "/METRICS", "/status", "/status/", "/status/data")) {
            Raw r = Raw.exchange(nginx.port(), "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + nginx.port() + "\r\n", null);
            assertThat(r.status()).as("GET %s through nginx", path).isNotEqualTo(200);
            assertThat(r.body()).as("GET %s through nginx", path).doesNotContain("# TYPE").doesNotContain("ragd_");
        }
        assertThat(Scrape.of(a.baseUrl()).has("ragd_connections_open")).as("scraped on the replica itself").isTrue();
        assertThat(Raw.exchange(nginx.port(), "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n", null).status()).isEqualTo(200);
    }

    @Test
    @Order(7)
    void theBodyLimitIsRagdsAndTheRefusalIsRagdsJson() throws Exception {
        String head = "POST /v1/chat HTTP/1.1\r\nHost: 127.0.0.1:" + nginx.port() + "\r\nContent-Type: application/json\r\n";
        String prefix = "{\"id\":\"big\",\"messages\":[{\"role\":\"user\",\"content\":\"";
        String suffix = "\"}]}";
        String atLimit = prefix + "a".repeat(262_144 - prefix.length() - suffix.length()) + suffix;
        assertThat(atLimit.length()).isEqualTo(262_144);

        Raw passed = Raw.exchange(nginx.port(), head, atLimit);
        assertThat(passed.status()).as("256 KiB exactly reaches ragd").isEqualTo(400);
        assertThat(passed.json().getJsonObject("error").getString("code")).isEqualTo("question_too_long");

        Raw refused = Raw.exchange(nginx.port(), head, atLimit + " ");
        assertThat(refused.status()).isEqualTo(413);
        assertThat(refused.json().getJsonObject("error").getString("code")).as("the code ragd itself sends")
                .isEqualTo("payload_too_large");
    }

    @Test
    @Order(8)
    void anIdleWebSocketIsClosedByRagdsIdleTimerWithACloseFrameNotCutByNginx() throws Exception {
        try (RawWebSocket ws = RawWebSocket.connect(nginx.port(), "/v1/chat")) {
            long t0 = System.nanoTime();
            RawWebSocket.Closure c = ws.awaitClose(Duration.ofSeconds(IDLE_TIMEOUT_MS / 1000 + 10));
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertThat(c.closeFrame()).as("a close frame, relayed by nginx").isTrue();
            assertThat(c.code()).isEqualTo(1001);
            assertThat(c.reason()).isEqualTo("idle timeout");
            assertThat(ms).isGreaterThanOrEqualTo(IDLE_TIMEOUT_MS - 500);
        }
    }

    @Test
    @Order(9)
    void oneClientAddressMayHoldAtMost256ConnectionsAtTheProxy() throws Exception {
        List<RawWebSocket> open = new ArrayList<>();
        try {
            long t0 = System.nanoTime();
            for (int i = 0; i < 256; i++) {
                open.add(RawWebSocket.connect(nginx.port(), "/v1/chat"));
            }
            Raw refused = Raw.exchange(nginx.port(), "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n", null);
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertThat(ms).as("all held open at once (ragd's idle timer is %d ms)", IDLE_TIMEOUT_MS).isLessThan(IDLE_TIMEOUT_MS);
            assertThat(refused.status()).isEqualTo(429);
            assertThat(refused.json().getJsonObject("error").getString("code")).isEqualTo("too_many_requests");
        } finally {
            for (RawWebSocket ws : open) {
                ws.close();
            }
        }
        Await.untilPasses(() -> assertThat(Raw.exchange(nginx.port(), "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n", null)
                .status()).isEqualTo(200));
    }

    // ---- retries and failover ----

    /**
     * A replica that takes every request and drops the connection without answering, as one that
     * crashes mid-request would: what nginx may retry elsewhere and what it must not.
     */
    @Test
    @Order(10)
    void aPostThatReachedAReplicaIsNeverRetriedElsewhereButAGetIs() throws Exception {
        try (Swallower dead = new Swallower(); Nginx proxy = Nginx.start(List.of(dead.address(), address(a)))) {
            int post502 = -1;
            for (int i = 0; i < 8 && post502 < 0; i++) {
                Raw r = Raw.exchange(proxy.port(), "POST /v1/chat HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n",
                        request("post-" + i, QUESTION).put("stream", false).encode());
                if (r.status() == 502) {
                    post502 = i;
                } else {
                    assertThat(r.status()).isEqualTo(200);
                }
            }
            assertThat(post502).as("a POST that nginx sent to the dropping replica").isNotNegative();
            assertThat(dead.requests).contains("POST /v1/chat");
            Thread.sleep(300);
            assertThat(a.record("post-" + post502)).as("not passed on to the healthy replica").isEmpty();

            int getsSeen = 0;
            for (int i = 0; i < 8 && getsSeen == 0; i++) {
                assertThat(Raw.exchange(proxy.port(), "GET /readyz HTTP/1.1\r\nHost: 127.0.0.1\r\n", null).status())
                        .as("a GET is retried on the healthy replica").isEqualTo(200);
                getsSeen = (int) dead.requests.stream().filter(r -> r.startsWith("GET")).count();
            }
            assertThat(getsSeen).as("a GET nginx first sent to the dropping replica").isPositive();
            assertThat(proxy.accessLog()).anyMatch(l -> l.startsWith("GET /readyz 200 upstream=" + dead.address() + ", "
                    + address(a)));
        }
    }

    @Test
    @Order(100) // last: closes replica b
    void whenAReplicaGoesAwayItsStreamsEndCleanlyAndNewRequestsGoToTheOther() throws Exception {
        // Two event streams and two WebSockets mid-answer: least_conn puts two on each replica.
        List<CompletableFuture<Sse>> sses = new ArrayList<>();
        List<RawWebSocket> sockets = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            String id = "inflight-sse-" + i;
            sses.add(CompletableFuture.supplyAsync(() -> {
                try {
                    return sse(nginx.port(), id, LONG_QUESTION);
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            }));
            RawWebSocket ws = RawWebSocket.connect(nginx.port(), "/v1/chat");
            ws.send(RawFrame.text(request("inflight-ws-" + i, LONG_QUESTION).encode()));
            sockets.add(ws);
        }
        Await.untilPasses(() -> {
            double streams = 0;
            for (RunningApp app : List.of(a, b)) {
                Scrape s = Scrape.of(app.baseUrl());
                streams += s.value("ragd_chat_active_streams", "protocol", "http")
                        + s.value("ragd_chat_active_streams", "protocol", "ws_native");
            }
            assertThat(streams).isEqualTo(4.0);
        });
        Scrape onB = Scrape.of(b.baseUrl());
        int sseOnB = (int) onB.value("ragd_chat_active_streams", "protocol", "http");
        int wsOnB = (int) onB.value("ragd_chat_active_streams", "protocol", "ws_native");
        System.out.println("in flight on replica b: " + sseOnB + " event streams, " + wsOnB + " WebSockets");
        assertThat(sseOnB + wsOnB).as("least_conn: two of the four on each replica").isEqualTo(2);

        long t0 = System.nanoTime();
        // No grace: its streams are cut at once. close() returns once its WebSockets are closed, which
        // takes the clients' close replies (or Vert.x's 10 s closing timeout), so it runs aside.
        CompletableFuture<Void> closed = CompletableFuture.runAsync(() -> b.app().close());

        // What the clients see: every stream ends, within seconds, none hangs.
        int cutSse = 0;
        for (CompletableFuture<Sse> f : sses) {
            Sse r = f.get(15, TimeUnit.SECONDS);
            String last = r.events().getLast().data().getString("type");
            if (!"end".equals(last)) {
                cutSse++;
                System.out.println("event stream cut: last event " + last + ", failure " + r.failure());
                assertThat(r.events()).extracting(e -> e.data().getString("type")).doesNotContain("end");
            }
        }
        int cutWs = 0;
        for (RawWebSocket ws : sockets) {
            try (ws) {
                String outcome = outcome(ws);
                if (!outcome.equals("end")) {
                    cutWs++;
                    System.out.println("WebSocket cut: " + outcome);
                }
            }
        }
        long endedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        System.out.println("every stream ended " + endedMs + " ms after the close began");
        assertThat(cutSse).as("the event streams that were on b are cut, the others finish").isEqualTo(sseOnB);
        assertThat(cutWs).as("the WebSockets that were on b are cut, the others finish").isEqualTo(wsOnB);
        assertThat(endedMs).as("no client waited for a timeout").isLessThan(5_000);
        closed.get(15, TimeUnit.SECONDS);

        // New requests: nginx's first try of b fails to connect, it passes them to a.
        int logLines = nginx.accessLog().size();
        for (int i = 0; i < 4; i++) {
            String id = "after-" + i;
            Sse r = sse(nginx.port(), id, QUESTION);
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.events().getLast().data().getString("type")).isEqualTo("end");
            assertThat(a.record(id)).as("answered by the remaining replica").isPresent();
        }
        try (WsSession ws = WsSession.connect(a.clientVertx(), nginx.port(), "/v1/chat")) {
            ws.send(request("after-ws", QUESTION));
            JsonObject f;
            do {
                f = ws.nextJson();
            } while (!"end".equals(f.getString("type")) && !"error".equals(f.getString("type")));
            assertThat(f.getString("type")).isEqualTo("end");
        }
        List<String> after = nginx.accessLog().subList(logLines, nginx.accessLog().size());
        assertThat(after).as("passive failover: some request tried b first, then went to a")
                .anyMatch(l -> l.contains("upstream=" + address(b) + ", " + address(a)));
        assertThat(after).as("all answered").allMatch(l -> l.contains(" 200 ") || l.contains(" 101 "));
    }

    // ---- helpers ----

    /**
     * Reads a native WebSocket's frames until its request's {@code end} ("end"), an {@code error}
     * frame, a close frame or the end of the connection (described), within 15 s.
     */
    static String outcome(RawWebSocket ws) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        List<String> types = new ArrayList<>();
        while (true) {
            RawFrame f;
            try {
                f = ws.read(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            } catch (java.io.EOFException | java.net.SocketException e) {
                return "connection ended without a close frame after " + types + " (" + e + ")";
            }
            if (f.opcode() == RawFrame.CLOSE) {
                byte[] p = f.payload();
                int code = p.length >= 2 ? ((p[0] & 0xFF) << 8) | (p[1] & 0xFF) : RawWebSocket.NO_STATUS;
                String reason = p.length > 2 ? new String(p, 2, p.length - 2, StandardCharsets.UTF_8) : "";
                return "close frame " + code + " '" + reason + "' after " + types;
            }
            if (f.opcode() == RawFrame.TEXT) {
                String type = new JsonObject(new String(f.payload(), StandardCharsets.UTF_8)).getString("type");
                types.add(type);
                if (type.equals("end")) {
                    return "end";
                }
                if (type.equals("error")) {
                    return "error frame " + new String(f.payload(), StandardCharsets.UTF_8) + " after " + types;
                }
            }
        }
    }

    /** One HTTP/1.1 exchange over a plain socket, {@code Connection: close}: for exact Host headers and paths. */
    record Raw(int status, String body) {
        JsonObject json() {
            return new JsonObject(body);
        }

        static Raw exchange(int port, String headLines, String body) throws IOException {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
                s.setSoTimeout(20_000);
                byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
                String head = headLines + (body == null ? "" : "Content-Length: " + bytes.length + "\r\n")
                        + "Connection: close\r\n\r\n";
                OutputStream out = s.getOutputStream();
                out.write(head.getBytes(StandardCharsets.ISO_8859_1));
                out.write(bytes);
                out.flush();
                String response = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                int status = Integer.parseInt(response.substring(9, 12));
                int split = response.indexOf("\r\n\r\n");
                String rest = split < 0 ? "" : response.substring(split + 4);
                if (response.substring(0, Math.max(split, 0)).toLowerCase(java.util.Locale.ROOT)
                        .contains("transfer-encoding: chunked")) {
                    rest = unchunk(rest);
                }
                return new Raw(status, rest);
            }
        }

        private static String unchunk(String chunked) {
            StringBuilder out = new StringBuilder();
            int i = 0;
            while (i < chunked.length()) {
                int eol = chunked.indexOf("\r\n", i);
                int size = Integer.parseInt(chunked.substring(i, eol).strip(), 16);
                if (size == 0) {
                    break;
                }
                out.append(chunked, eol + 2, eol + 2 + size);
                i = eol + 2 + size + 2;
            }
            return out.toString();
        }
    }

    /** Accepts connections, reads each request's head, then closes the connection without a reply. */
    static final class Swallower implements AutoCloseable {
        final ServerSocket server;
        final List<String> requests = new CopyOnWriteArrayList<>();
        final AtomicInteger connections = new AtomicInteger();
        private final Thread thread;

        Swallower() throws IOException {
            server = new ServerSocket();
            server.bind(new InetSocketAddress("127.0.0.1", 0));
            thread = Thread.ofVirtual().start(() -> {
                while (!server.isClosed()) {
                    try (Socket s = server.accept()) {
                        connections.incrementAndGet();
                        s.setSoTimeout(5_000);
                        String head = readHead(s.getInputStream());
                        int sp = head.indexOf(' ', head.indexOf(' ') + 1);
                        requests.add(sp < 0 ? head : head.substring(0, sp));
                    } catch (IOException e) {
                        // closed, or a client that sent nothing
                    }
                }
            });
        }

        private static String readHead(InputStream in) throws IOException {
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            int matched = 0;
            int c;
            while (matched < 4 && (c = in.read()) >= 0) {
                head.write(c);
                matched = (c == '\r' || c == '\n') ? matched + 1 : 0;
            }
            return head.toString(StandardCharsets.ISO_8859_1);
        }

        String address() {
            return "127.0.0.1:" + server.getLocalPort();
        }

        @Override
        public void close() throws Exception {
            server.close();
            thread.join(5_000);
        }
    }
}
