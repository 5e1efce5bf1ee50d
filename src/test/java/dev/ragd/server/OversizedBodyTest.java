package dev.ragd.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every body over the limit gets its 413 JSON error, also from clients that write the whole body
 * before they read anything (as Python's {@code http.client} and {@code urllib} do).
 */
class OversizedBodyTest {

    static final String LIMIT = Integer.toString(HttpVerticle.MAX_BODY_BYTES);

    static void assertPayloadTooLarge(int status, JsonObject body) {
        assertThat(status).isEqualTo(413);
        assertThat(body.getJsonObject("error").getString("code")).isEqualTo("payload_too_large");
        assertThat(body.getJsonObject("error").getString("message")).contains(LIMIT);
    }

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {512 * 1024, 1024 * 1024, 16 * 1024 * 1024})
    void aClientThatWritesItsWholeBodyFirstReads413(int size) throws Exception {
        try (ServerFixture f = ServerFixture.builder().start()) {
            HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + f.port() + "/v1/chat")
                    .toURL().openConnection();
            c.setRequestMethod("POST");
            c.setDoOutput(true);
            c.setFixedLengthStreamingMode(size);
            c.setRequestProperty("content-type", "application/json");
            c.setConnectTimeout(5_000);
            c.setReadTimeout(20_000);
            byte[] chunk = new byte[64 * 1024];
            Arrays.fill(chunk, (byte) 'x');
            try (OutputStream out = c.getOutputStream()) {
                for (int sent = 0; sent < size; sent += chunk.length) {
                    out.write(chunk, 0, Math.min(chunk.length, size - sent));
                }
            }
            int status = c.getResponseCode();
            try (InputStream err = c.getErrorStream()) {
                assertPayloadTooLarge(status, new JsonObject(new String(err.readAllBytes(), StandardCharsets.UTF_8)));
            }
            assertThat(c.getHeaderField("connection")).isEqualToIgnoringCase("close");
        }
    }

    @Test
    void aChunkedBodyWithoutContentLengthOverTheLimitGets413() throws Exception {
        try (ServerFixture f = ServerFixture.builder().start(); RawHttp c = RawHttp.connect(f.port())) {
            c.send("POST /v1/chat HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n");
            String chunk = "x".repeat(64 * 1024);
            String framed = Integer.toHexString(chunk.length()) + "\r\n" + chunk + "\r\n";
            // Written on another thread: the whole body is written before anything is read.
            CompletableFuture<Void> written = CompletableFuture.runAsync(() -> {
                try {
                    for (int i = 0; i < 4 * 1024 * 1024 / chunk.length(); i++) {
                        c.send(framed);
                    }
                    c.send("0\r\n\r\n");
                } catch (Exception e) {
                    throw new IllegalStateException("the server cut the upload off: " + e, e);
                }
            });
            written.get(20, TimeUnit.SECONDS);
            RawHttp.Response r = c.read();

            assertPayloadTooLarge(r.status(), r.json());
            assertThat(c.closedByServer()).isTrue();
        }
    }

    @Test
    void aBodyAnnouncedTooLargeWithExpectContinueGets413InsteadOf100Continue() throws Exception {
        try (ServerFixture f = ServerFixture.builder().start(); RawHttp c = RawHttp.connect(f.port())) {
            RawHttp.Response r = c.send("POST /v1/chat HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + 16 * 1024 * 1024 + "\r\nExpect: 100-continue\r\n\r\n").read();

            assertPayloadTooLarge(r.status(), r.json());
            assertThat(r.headers().get("connection")).isEqualToIgnoringCase("close");
            assertThat(c.closedByServer()).isTrue();
        }
    }

    @Test
    void otherClientsAreAnsweredWhileAnOversizedUploadIsBeingDiscarded() throws Exception {
        try (ServerFixture f = ServerFixture.builder().start(); RawHttp big = RawHttp.connect(f.port())) {
            RawHttp.Response r = big.send("POST /v1/chat HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: "
                    + 16 * 1024 * 1024 + "\r\n\r\n" + "x".repeat(1024 * 1024)).read();
            assertPayloadTooLarge(r.status(), r.json());

            HttpChatTest.Reply ok = HttpChatTest.post(f, NativeSocketTest.request("fine", "When?"));
            assertThat(ok.status()).isEqualTo(200);
        }
    }
}
