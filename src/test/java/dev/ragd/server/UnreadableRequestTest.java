package dev.ragd.server;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * A request the HTTP decoder cannot read is answered and its connection closed (by Vert.x); the
 * answer says {@code Connection: close}, so a keep-alive client never sends its next request into
 * the closing connection (where it would get no answer at all).
 */
class UnreadableRequestTest {

    @Test
    void headersPastTheLimitGet431WithConnectionCloseAndTheConnectionEnds() throws Exception {
        try (ServerFixture f = ServerFixture.builder().start(); RawHttp http = RawHttp.connect(f.port())) {
            http.send("POST /v1/chat HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nAuthorization: Bearer "
                    + "x".repeat(20_000) + "\r\nContent-Length: 2\r\n\r\n{}");

            RawHttp.Response r = http.read();

            assertThat(r.status()).isEqualTo(431);
            assertThat(r.headers().get("connection")).isEqualToIgnoringCase("close");
            assertThat(http.closedByServer()).isTrue();
        }
    }

    @Test
    void aReadableRequestKeepsItsConnection() throws Exception {
        try (ServerFixture f = ServerFixture.builder().start(); RawHttp http = RawHttp.connect(f.port())) {
            http.send(RawHttp.get("/healthz"));
            RawHttp.Response r = http.read();

            assertThat(r.status()).isEqualTo(200);
            assertThat(r.headers().get("connection")).isNull();
            http.send(RawHttp.get("/healthz"));
            assertThat(http.read().status()).as("the same connection answers again").isEqualTo(200);
        }
    }
}
