package dev.ragd.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code RAGD_REQUEST_TIMEOUT_MS}: a client that sends its request headers, or then its body, too
 * slowly (a slowloris) is answered 408 and cut off; waiting between requests is not sending slowly.
 */
class RequestTimeoutTest {

    static final String TIMEOUT_MS = "300";
    /** Far slower than {@link #TIMEOUT_MS} allows for a request of a few hundred bytes. */
    static final long PAUSE_PER_BYTE_MS = 20;

    static ServerFixture.Builder strict() {
        return ServerFixture.builder().env("RAGD_REQUEST_TIMEOUT_MS", TIMEOUT_MS);
    }

    static void assertTimedOutAndCut(RawHttp c, CompletableFuture<Integer> trickled, int length) throws Exception {
        RawHttp.Response r = c.read();

        assertThat(r.status()).isEqualTo(408);
        assertThat(r.error().getString("code")).isEqualTo("request_timeout");
        assertThat(r.error().getString("message")).contains(TIMEOUT_MS + " ms");
        assertThat(r.headers().get("connection")).isEqualToIgnoringCase("close");
        assertThat(c.closedByServer()).isTrue();
        assertThat(trickled.get(20, TimeUnit.SECONDS)).as("bytes the slow client got out").isLessThan(length);
    }

    static CompletableFuture<Integer> trickle(RawHttp c, String text) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return c.trickle(text, PAUSE_PER_BYTE_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return -1;
            }
        });
    }

    @Test
    void requestHeadersSentTooSlowlyGet408AndTheConnectionIsClosed() throws Exception {
        String request = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + "a".repeat(200) + "\r\n\r\n";
        try (ServerFixture f = strict().start(); RawHttp c = RawHttp.connect(f.port())) {
            assertTimedOutAndCut(c, trickle(c, request), request.length());
        }
    }

    @Test
    void aBodySentTooSlowlyGets408AndTheConnectionIsClosed() throws Exception {
        String body = NativeSocketTest.request("slow", "a".repeat(200)).encode();
        try (ServerFixture f = strict().start(); RawHttp c = RawHttp.connect(f.port())) {
            c.send("POST /v1/chat HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: "
                    + body.length() + "\r\n\r\n");
            assertTimedOutAndCut(c, trickle(c, body), body.length());
        }
    }

    @Test
    void aWebSocketUpgradeSentTooSlowlyGets408AndTheConnectionIsClosed() throws Exception {
        String upgrade = "GET /v1/chat HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
        try (ServerFixture f = strict().start(); RawHttp c = RawHttp.connect(f.port())) {
            assertTimedOutAndCut(c, trickle(c, upgrade), upgrade.length());
        }
    }

    @Test
    void aKeepAliveConnectionMayWaitLongerThanTheRequestTimeoutBeforeItsNextRequest() throws Exception {
        try (ServerFixture f = strict().start(); RawHttp c = RawHttp.connect(f.port())) {
            Thread.sleep(3 * Long.parseLong(TIMEOUT_MS));
            assertThat(c.send(RawHttp.get("/healthz")).read().status()).isEqualTo(200);
            Thread.sleep(3 * Long.parseLong(TIMEOUT_MS));
            assertThat(c.send(RawHttp.get("/healthz")).read().status()).isEqualTo(200);
        }
    }

    @Test
    void aRequestSentPromptlyIsAnsweredAsBefore() throws Exception {
        try (ServerFixture f = strict().start()) {
            HttpChatTest.Reply r = HttpChatTest.post(f, NativeSocketTest.request("ok", "When?"));
            assertThat(r.status()).isEqualTo(200);
        }
    }
}
