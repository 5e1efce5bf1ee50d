package dev.ragd.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ragd.testsupport.WsSession;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code RAGD_REQUEST_TIMEOUT_MS}: a client that sends its request headers, or then its body, too
 * slowly (a slowloris) is answered 408 and cut off, a WebSocket message too slowly closes its socket
 * with 1008; waiting between requests or messages is not sending slowly.
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

    static final String UPGRADE = "GET /v1/chat HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
            + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";

    @Test
    void aWebSocketUpgradeSentTooSlowlyGets408AndTheConnectionIsClosed() throws Exception {
        try (ServerFixture f = strict().start(); RawHttp c = RawHttp.connect(f.port())) {
            assertTimedOutAndCut(c, trickle(c, UPGRADE), UPGRADE.length());
        }
    }

    @Test
    void aWebSocketMessageSentTooSlowlyIsClosedWith1008() throws Exception {
        try (ServerFixture f = strict().start(); RawHttp c = RawHttp.connect(f.port())) {
            assertThat(c.send(UPGRADE).readHead().status()).isEqualTo(101);
            byte[] frame = maskedTextFrame(NativeSocketTest.request("slow", "When?").encode());
            CompletableFuture<Integer> trickled = trickle(c, new String(frame, StandardCharsets.ISO_8859_1));

            byte[] head = c.readBytes(2);
            byte[] close = c.readBytes(head[1] & 0x7f);
            assertThat(head[0] & 0xff).as("a final close frame").isEqualTo(0x88);
            assertThat(((close[0] & 0xff) << 8) | (close[1] & 0xff)).isEqualTo(1008);
            assertThat(new String(close, 2, close.length - 2, StandardCharsets.UTF_8))
                    .contains("WebSocket message").contains(TIMEOUT_MS + " ms");
            // The server waits for the client's closing handshake before it drops the connection.
            assertThat(trickled).as("closed while the message was still on its way").isNotDone();
        }
    }

    @Test
    void aWebSocketMayWaitLongerThanTheRequestTimeoutBeforeItsNextMessage() throws Exception {
        try (ServerFixture f = strict().start(); WsSession s = WsSession.connect(f.vertx, f.port(), "/v1/chat")) {
            Thread.sleep(3 * Long.parseLong(TIMEOUT_MS));
            s.send(NativeSocketTest.request("later", "When?"));

            assertThat(NativeSocketTest.framesOf(s, "later").getLast().getString("type")).isEqualTo("end");
        }
    }

    /** A client's text frame: masked, as RFC 6455 requires (the mask here is fixed). */
    static byte[] maskedTextFrame(String text) {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        assertThat(payload.length).isLessThan(126);
        byte[] mask = {0x11, 0x22, 0x33, 0x44};
        byte[] frame = new byte[6 + payload.length];
        frame[0] = (byte) 0x81;
        frame[1] = (byte) (0x80 | payload.length);
        System.arraycopy(mask, 0, frame, 2, 4);
        for (int i = 0; i < payload.length; i++) {
            frame[6 + i] = (byte) (payload[i] ^ mask[i % 4]);
        }
        return frame;
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
