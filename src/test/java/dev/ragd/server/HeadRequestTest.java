package dev.ragd.server;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HeadRequestTest {

    @ParameterizedTest(name = "HEAD {0}")
    @ValueSource(strings = {"/", "/index.html", "/app.js", "/style.css", "/healthz", "/readyz"})
    void headAnswersLikeGetWithoutABody(String path) throws Exception {
        try (ServerFixture f = ServerFixture.builder().start(); RawHttp c = RawHttp.connect(f.port())) {
            RawHttp.Response head = c.send("HEAD " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").readHead();
            // The GET on the same connection is read right after the HEAD's headers: had the HEAD
            // carried a body, its bytes would stand where the GET's status line is expected.
            RawHttp.Response get = c.send(RawHttp.get(path)).read();

            assertThat(get.status()).isEqualTo(200);
            assertThat(head.status()).isEqualTo(get.status());
            assertThat(head.headers().get("content-type")).isEqualTo(get.headers().get("content-type"));
            assertThat(head.headers().get("content-length"))
                    .isEqualTo(get.headers().get("content-length"))
                    .isEqualTo(Integer.toString(get.body().length));
            assertThat(get.body()).isNotEmpty();
        }
    }
}
